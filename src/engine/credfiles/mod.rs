//! Format-aware credential extraction: in the files tools keep credentials
//! in (`.pgpass`, `.netrc`, `.aws/credentials`, FileZilla's XML…) the file
//! format is the evidence, so every non-empty credential field is reported
//! whatever its value looks like: no entropy threshold, no dictionary
//! filter.  Only variable references and templates are skipped; encrypted
//! values and dictionary-weak values are reported under rules of their own
//! (low severity / medium confidence, see `rules/credential-formats.toml`).
//!
//! `extract` decides by the file's path first, then by a fixed-size sniff
//! of its first bytes (`Format::of`), before any parsing: on a file that is
//! no credential file it costs a file-name comparison.

mod cloud;
mod databases;
mod ftp;
mod git;
mod mail;
mod netrc;
mod parse;
mod shell;
mod system;
mod web;

use std::ops::Range;

use crate::engine::{Engine, RawMatch};
use crate::model::Finding;

/// One credential value found by the extractor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialField {
    /// The rule it is reported under (`rules/credential-formats.toml`).
    pub rule: &'static str,
    /// Byte span of the value in the blob.
    pub span: Range<usize>,
    /// What a report should add ("encrypted", "base64-decoded"…).
    pub note: Option<&'static str>,
}

/// The rule id every encrypted value (`ENC(…)`, `{cipher}…`, ansible-vault)
/// is reported under, at low severity.
pub const ENCRYPTED_RULE: &str = "credential-file-encrypted-value";

/// A credential file format, recognised by name or a cheap sniff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Netrc,
    GitCredentials,
    GitConfig,
    GhHosts,
    Putty,
    Pgpass,
    MyCnf,
    RailsDatabaseYml,
    Robo3t,
    DbeaverDataSources,
    SqlDump,
    WpConfig,
    PhpConfig,
    DotEnv,
    DjangoSettings,
    RailsMasterKey,
    RailsSecretsYml,
    SpringProperties,
    SpringYml,
    WebConfig,
    AppSettings,
    Htpasswd,
    AwsCredentials,
    S3cfg,
    Boto,
    DockerConfig,
    Npmrc,
    Yarnrc,
    Pypirc,
    GemCredentials,
    CargoCredentials,
    Terraformrc,
    TerraformCredentialsJson,
    VaultToken,
    Kubeconfig,
    MavenSettings,
    NugetConfig,
    FileZilla,
    WinScp,
    SftpJson,
    JetBrainsDeployment,
    FtpdPasswd,
    MailRc,
    Muttrc,
    VoipIni,
    Shadow,
    FirefoxLogins,
    ShellRc,
    Tugboat,
    HerokuCredentials,
    HerokuJson,
    RailsCredentialsEnc,
}

/// A binary credential file: recognised by path and a fixed header, never
/// parsed (the source layer passes binaries on only with `--include-binary`
/// or where `wants_binary` says so).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BinaryFormat {
    /// Firefox `key4.db` (SQLite) / `key3.db` (Berkeley DB): the key that
    /// decrypts the profile's `logins.json`; `logins.db`, `signons.sqlite`:
    /// saved logins themselves.
    FirefoxKeyDb,
    /// MySQL `.mylogin.cnf` (mysql_config_editor): AES with the key stored
    /// in the file's first bytes, so reversible.
    MysqlLoginFile,
    /// DBeaver `credentials-config.json`: AES with a key built into DBeaver.
    DbeaverCredentials,
}

/// Every credential field of `bytes`, if `path` names (or the first bytes
/// show) a known credential file; nothing otherwise.
pub fn extract(path: &str, bytes: &[u8]) -> Vec<CredentialField> {
    if let Some(format) = BinaryFormat::of(path) {
        return binary_fields(format, path, bytes);
    }
    let Some(format) = Format::of(path, bytes) else {
        return Vec::new();
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Vec::new();
    };
    let raw = match format {
        Format::RailsMasterKey => web::rails_master_key(text, rails_pair(path)),
        Format::RailsCredentialsEnc => web::rails_credentials_enc(text, rails_pair(path)),
        _ => fields_of(format, text),
    };
    let mut fields: Vec<CredentialField> = raw
        .into_iter()
        .filter_map(|field| judge(text, field))
        .collect();
    fields.sort_by_key(|f| (f.span.start, f.span.end));
    fields.dedup_by(|a, b| a.span == b.span);
    fields
}

/// Add the credential fields of a blob to the engine's `matches`, so one
/// leak is reported once: where a specific engine rule (a provider token,
/// an existing file rule) reported an overlapping value it keeps its id,
/// so its baselines still match; a fallback rule's match (a generic
/// assignment, a URL with a password) gives way to the field, whose rule
/// knows the format.  Returns the notes to attach, by span.
pub fn add_fields(
    engine: &Engine,
    path: &str,
    bytes: &[u8],
    matches: &mut Vec<RawMatch>,
) -> Vec<(Range<usize>, &'static str)> {
    let fields = extract(path, bytes);
    if fields.is_empty() {
        return Vec::new();
    }
    let metas = engine.metas();
    let is_fallback = |m: &RawMatch| engine.rules().get(m.rule).is_some_and(|r| r.fallback);
    let mut notes = Vec::new();
    for field in fields {
        let overlapping =
            |m: &RawMatch| m.secret.start < field.span.end && field.span.start < m.secret.end;
        if matches.iter().any(|m| overlapping(m) && !is_fallback(m)) {
            continue;
        }
        // A disabled rule (config `[rules] disable`) is not in `metas`.
        let Some(rule) = metas.iter().position(|m| m.id == field.rule) else {
            continue;
        };
        if let Some(note) = field.note {
            notes.push((field.span.clone(), note));
        }
        matches.retain(|m| !overlapping(m));
        matches.push(RawMatch {
            rule,
            secret: field.span,
        });
    }
    matches.sort_by_key(|m| (m.secret.start, m.secret.end));
    notes
}

/// The note (`encrypted`, `base64-decoded`…) for a finding the extractor made.
pub fn note_of(notes: &[(Range<usize>, &'static str)], finding: &Finding) -> Option<String> {
    notes
        .iter()
        .find(|(span, _)| *span == finding.span)
        .map(|(_, note)| note.to_string())
}

fn fields_of(format: Format, text: &str) -> Vec<CredentialField> {
    use Format::*;
    match format {
        Netrc => netrc::netrc(text),
        GitCredentials => git::git_credentials(text),
        GitConfig => git::git_config(text),
        GhHosts => git::gh_hosts(text),
        Putty => git::putty(text),
        Pgpass => databases::pgpass(text),
        MyCnf => databases::my_cnf(text),
        RailsDatabaseYml => databases::database_yml(text),
        Robo3t => databases::robo3t(text),
        DbeaverDataSources => databases::dbeaver(text),
        SqlDump => databases::sql_dump(text),
        WpConfig => web::wp_config(text),
        PhpConfig => web::php_config(text),
        DotEnv => web::dotenv(text),
        DjangoSettings => web::django_settings(text),
        RailsSecretsYml => web::rails_secrets_yml(text),
        SpringProperties => web::spring_properties(text),
        SpringYml => web::spring_yml(text),
        WebConfig => web::web_config(text),
        AppSettings => web::appsettings(text),
        Htpasswd => web::htpasswd(text),
        AwsCredentials => cloud::aws_credentials(text),
        S3cfg => cloud::s3cfg(text),
        Boto => cloud::boto(text),
        DockerConfig => cloud::docker_config(text),
        Npmrc => cloud::npmrc(text),
        Yarnrc => cloud::yarnrc(text),
        Pypirc => cloud::pypirc(text),
        GemCredentials => cloud::gem_credentials(text),
        CargoCredentials => cloud::cargo_credentials(text),
        Terraformrc => cloud::terraformrc(text),
        TerraformCredentialsJson => cloud::terraform_json(text),
        VaultToken => cloud::vault_token(text),
        Kubeconfig => cloud::kubeconfig(text),
        MavenSettings => cloud::maven_settings(text),
        NugetConfig => cloud::nuget_config(text),
        FileZilla => ftp::filezilla(text),
        WinScp => ftp::winscp(text),
        SftpJson => ftp::sftp_json(text),
        JetBrainsDeployment => ftp::jetbrains(text),
        FtpdPasswd => ftp::ftpd_passwd(text),
        MailRc => mail::mail_rc(text),
        Muttrc => mail::muttrc(text),
        VoipIni => mail::voip_ini(text),
        Shadow => system::shadow(text),
        FirefoxLogins => system::firefox_logins(text),
        ShellRc => shell::shell_rc(text),
        Tugboat => cloud::tugboat(text),
        HerokuCredentials => cloud::heroku_credentials(text),
        HerokuJson => cloud::heroku_json(text),
        // Decided with their path (the key beside them), in `extract`.
        RailsMasterKey | RailsCredentialsEnc => Vec::new(),
    }
}

/// Whether the file at `path` is a binary credential file the extractor
/// reads (Firefox `key4.db`, `.mylogin.cnf`, DBeaver
/// `credentials-config.json`): the source layer, which skips binary files,
/// should pass these on (a name comparison, no I/O).
pub fn wants_binary(path: &str) -> bool {
    BinaryFormat::of(path).is_some()
}

impl BinaryFormat {
    fn of(path: &str) -> Option<BinaryFormat> {
        let path = path.replace('\\', "/").to_ascii_lowercase();
        let mut parts = path.rsplit('/');
        let name = parts.next().unwrap_or_default();
        let parent = parts.next().unwrap_or_default();
        match name {
            "key4.db" | "key3.db" | "logins.db" | "signons.sqlite" => {
                Some(BinaryFormat::FirefoxKeyDb)
            }
            ".mylogin.cnf" | "mylogin.cnf" => Some(BinaryFormat::MysqlLoginFile),
            "credentials-config.json" if parent == ".dbeaver" || path.contains("dbeaver") => {
                Some(BinaryFormat::DbeaverCredentials)
            }
            _ => None,
        }
    }
}

/// The one field of a binary credential file, where its header is the
/// format's: the first bytes, at line 1 (a binary file has no lines to
/// point into; the note says what the file holds).
fn binary_fields(format: BinaryFormat, path: &str, bytes: &[u8]) -> Vec<CredentialField> {
    const SQLITE: &[u8] = b"SQLite format 3\0";
    let field = |rule, span: Range<usize>, note| {
        vec![CredentialField {
            rule,
            span,
            note: Some(note),
        }]
    };
    match format {
        BinaryFormat::FirefoxKeyDb => {
            let sqlite = bytes.starts_with(SQLITE);
            // Berkeley DB hash magic (key3.db), either byte order.
            let berkeley = bytes.len() > 16
                && matches!(
                    &bytes[12..16],
                    [0x00, 0x06, 0x15, 0x61] | [0x61, 0x15, 0x06, 0x00]
                );
            if !(sqlite || berkeley) {
                return Vec::new();
            }
            let lower = path.to_ascii_lowercase();
            let note = if lower.ends_with("logins.db") || lower.ends_with("signons.sqlite") {
                "Firefox saved logins database"
            } else if sibling_exists(path, "logins.json") {
                "Firefox key database: decrypts logins.json beside it"
            } else {
                "Firefox key database: decrypts the profile's saved logins"
            };
            field("firefox-key-database", 0..SQLITE.len() - 1, note)
        }
        BinaryFormat::MysqlLoginFile => {
            // 4 unused bytes, the 20-byte key, then length-prefixed
            // AES-128-ECB blocks.
            let chunk = bytes
                .get(24..28)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
            let shaped = bytes.len() >= 44
                && bytes[..4] == [0, 0, 0, 0]
                && chunk.is_some_and(|n| n > 0 && n.is_multiple_of(16) && 28 + n <= bytes.len());
            if !shaped {
                // A text file under that name: read it as an option file.
                return std::str::from_utf8(bytes)
                    .map(|t| {
                        databases::my_cnf(t)
                            .into_iter()
                            .filter_map(|f| judge(t, f))
                            .collect()
                    })
                    .unwrap_or_default();
            }
            field(
                "mysql-login-path-file",
                4..24,
                "obfuscated with the key stored in the file: reversible",
            )
        }
        BinaryFormat::DbeaverCredentials => {
            if bytes.len() < 32
                || !bytes.len().is_multiple_of(16)
                || std::str::from_utf8(bytes).is_ok()
            {
                return Vec::new();
            }
            field(
                "database-client-password",
                0..16,
                "encrypted with DBeaver's built-in key: reversible",
            )
        }
    }
}

/// Whether a file named `name` exists beside `path` on disk (a working
/// tree scan; for history and staged scans the path is not on disk and
/// this says no).
fn sibling_exists(path: &str, name: &str) -> bool {
    std::path::Path::new(path)
        .parent()
        .is_some_and(|dir| dir.join(name).is_file())
}

/// Rails keeps `config/credentials.yml.enc` with its key in
/// `config/master.key`, and `config/credentials/<env>.yml.enc` with
/// `config/credentials/<env>.key`: whether the other half of the pair of
/// `path` is beside it.
fn rails_pair(path: &str) -> bool {
    let file = std::path::Path::new(path);
    let Some(name) = file.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let other = if name == "master.key" {
        "credentials.yml.enc".to_string()
    } else if name == "credentials.yml.enc" {
        "master.key".to_string()
    } else if let Some(env) = name.strip_suffix(".yml.enc") {
        format!("{env}.key")
    } else if let Some(env) = name.strip_suffix(".key") {
        format!("{env}.yml.enc")
    } else {
        return false;
    };
    sibling_exists(path, &other)
}

/// How many leading bytes the content sniff may look at.
const SNIFF_BYTES: usize = 512;

impl Format {
    fn of(path: &str, bytes: &[u8]) -> Option<Format> {
        let path = path.replace('\\', "/");
        let name = path.rsplit('/').next().unwrap_or(&path);
        let lower = name.to_ascii_lowercase();
        let parent = path
            .rsplit('/')
            .nth(1)
            .map(|p| p.to_ascii_lowercase())
            .unwrap_or_default();
        Format::by_name(&lower, &parent, &path.to_ascii_lowercase())
            .or_else(|| Format::by_sniff(&lower, &bytes[..bytes.len().min(SNIFF_BYTES)]))
    }

    fn by_name(name: &str, parent: &str, path: &str) -> Option<Format> {
        use Format::*;
        let format = match name {
            ".netrc" | "_netrc" | "netrc" => Netrc,
            ".git-credentials" | "git-credentials" => GitCredentials,
            ".gitconfig" => GitConfig,
            "config" if parent == ".git" => GitConfig,
            "hosts.yml" | "hub" if path.contains("gh/") || path.contains("hub") => GhHosts,
            ".pgpass" | "pgpass" | "pgpass.conf" => Pgpass,
            ".my.cnf" | "my.cnf" | "my.ini" => MyCnf,
            "database.yml" | "mongoid.yml" => RailsDatabaseYml,
            "robo3t.json" | "robomongo.json" | "3t.json" => Robo3t,
            "data-sources.json" | "data-sources.xml" => DbeaverDataSources,
            "wp-config.php" => WpConfig,
            ".env" | ".env.local" | ".env.production" | ".env.prod" | ".env.staging"
            | ".env.development" | ".env.dev" | ".env.test" | ".env.backup" => DotEnv,
            "settings.py" | "local_settings.py" | "production.py" | "prod.py"
                if path.contains("settings") =>
            {
                DjangoSettings
            }
            "master.key" if parent == "config" => RailsMasterKey,
            "credentials.yml.enc" if parent == "config" => RailsCredentialsEnc,
            ".tugboat" => Tugboat,
            "credentials" if parent == ".heroku" => HerokuCredentials,
            "heroku.json" | ".heroku.json" => HerokuJson,
            _ if parent == "accounts" && path.contains(".heroku/") => HerokuJson,
            "secrets.yml" => RailsSecretsYml,
            "web.config" | "app.config" => WebConfig,
            ".htpasswd" | "htpasswd" | ".htpasswd.bak" => Htpasswd,
            "credentials" if parent == ".aws" => AwsCredentials,
            "config" if parent == ".aws" => AwsCredentials,
            ".s3cfg" | "s3cfg" => S3cfg,
            ".boto" | "boto.cfg" => Boto,
            "config.json" if parent == ".docker" => DockerConfig,
            ".dockercfg" => DockerConfig,
            ".npmrc" | "npmrc" => Npmrc,
            ".yarnrc.yml" | ".yarnrc" => Yarnrc,
            ".pypirc" => Pypirc,
            "credentials" if parent == ".gem" => GemCredentials,
            "credentials.toml" | "credentials" if parent == ".cargo" => CargoCredentials,
            ".terraformrc" | "terraform.rc" => Terraformrc,
            "credentials.tfrc.json" => TerraformCredentialsJson,
            ".vault-token" => VaultToken,
            "kubeconfig" | ".kubeconfig" => Kubeconfig,
            "config" if parent == ".kube" => Kubeconfig,
            "settings.xml" | "settings-security.xml"
                if parent == ".m2" || path.contains("maven") =>
            {
                MavenSettings
            }
            "settings.xml" => MavenSettings,
            "nuget.config" => NugetConfig,
            "sitemanager.xml" | "recentservers.xml" | "filezilla.xml" | "filezilla server.xml" => {
                FileZilla
            }
            "winscp.ini" => WinScp,
            "sftp-config.json" | ".ftpconfig" | ".remote-sync.json" | "deployment-config.json" => {
                SftpJson
            }
            "sftp.json" if parent == ".vscode" => SftpJson,
            "webservers.xml" | "deployment.xml" if parent == ".idea" => JetBrainsDeployment,
            "ftpd.passwd" | "proftpd.passwd" => FtpdPasswd,
            ".esmtprc" | ".msmtprc" | "msmtprc" | ".fetchmailrc" | "esmtprc" => MailRc,
            ".muttrc" | "muttrc" => Muttrc,
            "ventrilo_srv.ini" | "ts3server.ini" | "server.ini"
                if path.contains("ventrilo")
                    || path.contains("teamspeak")
                    || name != "server.ini" =>
            {
                VoipIni
            }
            "shadow" | "shadow-" | "shadow.bak" | "gshadow" => Shadow,
            "logins.json" => FirefoxLogins,
            ".bashrc" | ".bash_profile" | ".zshrc" | ".profile" | ".envrc" | ".zprofile"
            | ".bash_login" | ".zshenv" | ".kshrc" => ShellRc,
            _ => return Format::by_suffix(name, parent, path),
        };
        Some(format)
    }

    fn by_suffix(name: &str, parent: &str, path: &str) -> Option<Format> {
        use Format::*;
        if name.ends_with(".ppk") {
            return Some(Putty);
        }
        if name.ends_with(".sql") {
            return Some(SqlDump);
        }
        if name.starts_with("application") && (name.ends_with(".properties")) {
            return Some(SpringProperties);
        }
        if name.starts_with("application")
            && (name.ends_with(".yml") || name.ends_with(".yaml"))
            && !path.contains("/test")
        {
            return Some(SpringYml);
        }
        if name.starts_with("appsettings") && name.ends_with(".json") {
            return Some(AppSettings);
        }
        if name.starts_with(".env.")
            && !name.ends_with(".example")
            && !name.ends_with(".sample")
            && !name.ends_with(".template")
            && !name.ends_with(".dist")
        {
            return Some(DotEnv);
        }
        let php_config = [
            "config.php",
            "configuration.php",
            "database.php",
            "settings.php",
            "db.php",
            "conf.php",
            "config.inc.php",
        ];
        if php_config.contains(&name) || (parent == "config" && name.ends_with(".php")) {
            return Some(PhpConfig);
        }
        if name.ends_with(".kubeconfig") {
            return Some(Kubeconfig);
        }
        // Rails per-environment credentials (`config/credentials/production.key`).
        if parent == "credentials" && path.contains("config/credentials/") {
            if name.ends_with(".yml.enc") {
                return Some(RailsCredentialsEnc);
            }
            if name.ends_with(".key") {
                return Some(RailsMasterKey);
            }
        }
        None
    }

    /// Content a file shows whatever its name (a copy named `netrc.txt`,
    /// a PuTTY key without `.ppk`): only a few fixed openings, checked on
    /// the first `SNIFF_BYTES`.
    fn by_sniff(name: &str, head: &[u8]) -> Option<Format> {
        let code_like = [
            ".md", ".rst", ".txt", ".html", ".py", ".rb", ".js", ".go", ".rs",
        ];
        if code_like.iter().any(|ext| name.ends_with(ext)) {
            return None;
        }
        if head.starts_with(b"PuTTY-User-Key-File-") {
            return Some(Format::Putty);
        }
        let first = head
            .split(|&b| b == b'\n')
            .map(|l| l.trim_ascii())
            .find(|l| !l.is_empty() && !l.starts_with(b"#"))?;
        let netrc_line = (first.starts_with(b"machine ") || first.starts_with(b"default "))
            && parse::find_word(first, b"password").is_some()
            || first.starts_with(b"machine ") && name.contains("netrc");
        netrc_line.then_some(Format::Netrc)
    }
}

/// What a value is, for reporting.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    /// A variable reference, a template, a mask: not a credential.
    Template,
    Encrypted,
    Weak,
    Plain,
}

/// Skip templates, move encrypted values to the encrypted rule and weak
/// ones to the rule's `-weak` twin (the scan falls back to the rule itself
/// where no twin exists).
fn judge(text: &str, mut field: CredentialField) -> Option<CredentialField> {
    let value = text.get(field.span.clone())?;
    if value.trim().is_empty() {
        return None;
    }
    // `password [plain text]`: a token-split format (netrc, msmtp) cuts a
    // bracketed description at its first blank.
    let rest_of_line = text[field.span.start..]
        .split('\n')
        .next()
        .unwrap_or_default();
    if value.starts_with('[') && !value.contains(']') && rest_of_line.trim_end().ends_with(']') {
        return None;
    }
    match verdict(value) {
        Verdict::Template => None,
        Verdict::Encrypted => {
            field.rule = ENCRYPTED_RULE;
            field.note = Some("encrypted");
            Some(field)
        }
        Verdict::Weak => {
            field.rule = weak_twin(field.rule);
            Some(field)
        }
        Verdict::Plain => Some(field),
    }
}

fn verdict(value: &str) -> Verdict {
    let v = value.trim();
    if is_template(v) {
        return Verdict::Template;
    }
    if is_encrypted(v) {
        return Verdict::Encrypted;
    }
    if is_weak(v) {
        return Verdict::Weak;
    }
    // `your-api-token-here`, `sk_live_xxxx…`, `…EXAMPLE…`: the shared
    // placeholder filter, after the weak check so `password` stays reported.
    if crate::engine::noise::looks_like_placeholder(v.as_bytes()) {
        return Verdict::Template;
    }
    Verdict::Plain
}

/// `$VAR`, `${VAR}`, `%(x)s`, `{{ .x }}`, `<password>`, `********`,
/// `%VAR%`, `#{x}`, `@x@`, `ENV['X']`, `os.environ…`, `env("X")`.
fn is_template(v: &str) -> bool {
    let b = v.as_bytes();
    let var_start = |rest: &[u8]| {
        rest.first()
            .is_some_and(|&c| c == b'{' || c == b'(' || c == b'_' || c.is_ascii_alphabetic())
    };
    (b[0] == b'$' && var_start(&b[1..]) && !v.starts_with("$ANSIBLE_VAULT") && !is_crypt_hash(v))
        || v.contains("%(") && v.contains(")s")
        || v.contains("{{") && v.contains("}}")
        || v.contains("${")
        || v.starts_with("#{") && v.ends_with('}')
        || v.starts_with('<') && v.ends_with('>') && !v.contains("</")
        || v.len() > 2 && v.starts_with('%') && v.ends_with('%')
        || v.len() > 2 && v.starts_with('@') && v.ends_with('@')
        || v.bytes().all(|c| c == b'*' || c == b'x' || c == b'X' || c == b'.') && v.len() >= 3
        || v.starts_with("ENV[")
        || v.starts_with("os.environ")
        || v.starts_with("os.getenv")
        || v.starts_with("env(")
        || v.starts_with("getenv(")
        || v.starts_with("process.env")
        || v.starts_with("<%=")
        // A field name standing for its value (`…:USER_NAME:PASSWORD`).
        || is_name_placeholder(v)
        // A command's output (`` `gpg -d …` ``, `` `grep key ~/.aws/config` ``).
        || v.starts_with('`')
        // `[plain text password]`, `[[DO_SECRET]]`: a bracketed description.
        || v.starts_with('[') && v.ends_with(']')
        // `https://user:token@host`: the word standing for the token.
        || matches!(v, "token" | "your_token" | "yourtoken" | "apikey" | "api_key")
        // wp-config-sample.php and installers' placeholders.
        || v.ends_with("_here")
        || v == "put your unique phrase here"
}

/// `PASSWORD`, `YOUR_PASSWORD`, `DB_PASS`: an upper-case name where a
/// value belongs, as templates and docs write it.
fn is_name_placeholder(v: &str) -> bool {
    let upper = v.bytes().all(|c| c.is_ascii_uppercase() || c == b'_');
    let names = ["PASSWORD", "PASSWD", "PASS", "SECRET", "TOKEN", "KEY"];
    upper && (v.starts_with("YOUR") || names.iter().any(|n| v.ends_with(n)))
}

/// Jasypt `ENC(…)`, Spring Cloud Config `{cipher}…`, ansible-vault,
/// Maven's `{…}` master-password-encrypted values.
fn is_encrypted(v: &str) -> bool {
    let base64 = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/' || c == b'=')
    };
    // `{DESede}…`, `{AES}…`: a cipher name in braces, then base64.
    let named_cipher = v.starts_with('{')
        && v.find('}').is_some_and(|close| {
            close > 1
                && close < 12
                && v[1..close].bytes().all(|c| c.is_ascii_alphanumeric())
                && base64(&v[close + 1..])
                && v.len() > close + 8
        });
    named_cipher
        || v.starts_with("ENC(") && v.ends_with(')')
        || v.starts_with("{cipher}")
        || v.starts_with("$ANSIBLE_VAULT")
        || v.starts_with("!vault")
        || v.len() > 20
            && v.starts_with('{')
            && v.ends_with('}')
            && v[1..v.len() - 1]
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/' || c == b'=')
}

/// A unix crypt hash (`$1$`, `$5$`, `$6$`, `$y$`, `$2y$`, `$apr1$`…).
pub(crate) fn is_crypt_hash(v: &str) -> bool {
    let prefixes = [
        "$1$", "$5$", "$6$", "$y$", "$2a$", "$2b$", "$2y$", "$apr1$", "$7$", "$gy$",
    ];
    prefixes.iter().any(|p| v.starts_with(p)) && v.len() > 12
}

/// Common passwords (a dictionary word, a default, a keyboard walk),
/// possibly followed by digits or `!`: reported at medium confidence.
fn is_weak(v: &str) -> bool {
    const WORDS: &[&str] = &[
        "password",
        "passwd",
        "pass",
        "secret",
        "admin",
        "administrator",
        "root",
        "toor",
        "changeme",
        "change_me",
        "letmein",
        "welcome",
        "qwerty",
        "qwertyuiop",
        "abc",
        "abcd",
        "test",
        "testing",
        "guest",
        "default",
        "user",
        "demo",
        "master",
        "login",
        "postgres",
        "mysql",
        "oracle",
        "sa",
        "dbpass",
        "dbpassword",
        "monkey",
        "dragon",
        "iloveyou",
        "sunshine",
        "princess",
        "football",
        "baseball",
        "shadow",
        "superman",
        "trustno1",
        "temp",
        "temporary",
        "foobar",
        "foo",
        "bar",
        "hello",
        "pa55word",
        "p@ssw0rd",
        "p@ssword",
        "passw0rd",
        "asdf",
        "asdfgh",
        "zxcvbn",
        "111111",
        "000000",
        "mypassword",
        "mysecret",
        "secretpassword",
        "supersecret",
        "topsecret",
        "database",
        "db",
        "app",
    ];
    let lower = v.to_ascii_lowercase();
    let stem = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c == '!' || c == '?');
    if stem.is_empty() {
        // Only digits: a PIN-like `123456`.
        return v.len() <= 10;
    }
    // A short lowercase word and a few digits (`mail123`, `deploy1`): the
    // shape of a human-chosen password, not of a generated one.
    let digits = lower.len() - stem.len();
    let word_and_digits =
        stem.len() <= 8 && digits <= 4 && stem.bytes().all(|c| c.is_ascii_lowercase());
    WORDS.contains(&stem) || v.len() < 6 || word_and_digits && v == lower
}

/// The `-weak` twin of a password rule (medium confidence), by naming
/// convention; rules without one keep their id.
fn weak_twin(rule: &'static str) -> &'static str {
    WEAK_TWINS
        .iter()
        .find(|(base, _)| *base == rule)
        .map(|(_, weak)| *weak)
        .unwrap_or(rule)
}

/// Password rules and their medium-confidence twins for weak values.
const WEAK_TWINS: &[(&str, &str)] = &[
    ("netrc-password", "netrc-password-weak"),
    ("pgpass-password", "pgpass-password-weak"),
    ("git-credentials-password", "git-credentials-password-weak"),
    ("git-config-url-password", "git-config-url-password-weak"),
    (
        "mysql-option-file-password",
        "mysql-option-file-password-weak",
    ),
    ("database-yml-password", "database-yml-password-weak"),
    ("sql-dump-password", "sql-dump-password-weak"),
    ("wp-config-db-password", "wp-config-db-password-weak"),
    ("php-config-password", "php-config-password-weak"),
    ("dotenv-password", "dotenv-password-weak"),
    ("django-database-password", "django-database-password-weak"),
    ("spring-config-password", "spring-config-password-weak"),
    (
        "connection-string-field-password",
        "connection-string-field-password-weak",
    ),
    ("docker-config-password", "docker-config-password-weak"),
    ("pypirc-field-password", "pypirc-field-password-weak"),
    ("kubeconfig-password", "kubeconfig-password-weak"),
    ("maven-settings-password", "maven-settings-password-weak"),
    ("nuget-config-password", "nuget-config-password-weak"),
    ("ftp-client-password", "ftp-client-password-weak"),
    ("mail-client-password", "mail-client-password-weak"),
    ("voice-server-password", "voice-server-password-weak"),
    ("shell-export-secret", "shell-export-secret-weak"),
    ("database-client-password", "database-client-password-weak"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_encrypted_and_weak_values() {
        for t in [
            "$DB_PASS",
            "${PASS}",
            "%(pw)s",
            "{{ .Values.pw }}",
            "<password>",
            "********",
            "`gpg -d ~/.mail.gpg`",
            "[[DO_SECRET]]",
            "[plain text]",
            "token",
        ] {
            assert_eq!(verdict(t), Verdict::Template, "{t}");
        }
        for e in [
            "ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)",
            "{cipher}AQB3abcdef",
            "$ANSIBLE_VAULT;1.1;AES256",
        ] {
            assert_eq!(verdict(e), Verdict::Encrypted, "{e}");
        }
        for w in ["pass123", "admin123", "password", "root", "123456", "abc"] {
            assert_eq!(verdict(w), Verdict::Weak, "{w}");
        }
        for p in ["x7Kq2vP9mZ", "$6$Gx81kPq2$Zq4LmT9vRk2HwY7bN3cXs1"] {
            assert_eq!(verdict(p), Verdict::Plain, "{p}");
        }
    }

    #[test]
    fn binary_credential_files_are_named_for_the_source_layer() {
        assert!(wants_binary("home/.mozilla/firefox/x.default/key4.db"));
        assert!(wants_binary("home/.mylogin.cnf"));
        assert!(wants_binary("ws/.dbeaver/credentials-config.json"));
        assert!(!wants_binary("assets/logo.png"));
        assert!(!wants_binary("credentials-config.json"));
        // Not the header of an SQLite or Berkeley DB file: nothing.
        assert!(extract("p/key4.db", b"not a database").is_empty());
    }

    #[test]
    fn files_that_are_no_credential_files_are_not_parsed() {
        assert_eq!(Format::of("src/main.rs", b"machine x password y"), None);
        assert_eq!(
            Format::of("README.md", b"machine x login a password b"),
            None
        );
        assert_eq!(Format::of("home/.pgpass", b""), Some(Format::Pgpass));
        assert_eq!(
            Format::of("backup/netrc.bak", b"machine h login a password b"),
            Some(Format::Netrc)
        );
    }
}
