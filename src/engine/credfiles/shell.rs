//! Shell startup files (`.bashrc`, `.zshrc`, `.profile`, `.envrc`…):
//! `export NAME=value` where the name says password, secret, token or key.

use super::CredentialField;

pub fn shell_rc(text: &str) -> Vec<CredentialField> {
    super::web::env_like(
        text,
        "shell-export-secret",
        Some("shell-export-secret"),
        true,
    )
}
