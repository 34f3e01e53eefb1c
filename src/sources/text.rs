//! Text encodings the engine must see as UTF-8: UTF-16 (PowerShell's `>`
//! and `Out-File` write `.env` and `.ps1` files that way, little-endian with
//! a BOM) would otherwise look binary (every other byte is NUL) and be
//! skipped; a UTF-8 BOM would shift every column of line 1.
//!
//! Line numbers survive transcoding (line breaks are kept) and so do
//! columns, which count code points.

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endian {
    Little,
    Big,
}

/// `bytes` as UTF-8 when they are UTF-16 text (with a BOM, or without one
/// when the NUL pattern says so), without a leading UTF-8 BOM; otherwise
/// unchanged.  Costs nothing for text with neither BOM nor NUL.
pub fn decode_text(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.starts_with(UTF8_BOM) {
        bytes.drain(..UTF8_BOM.len());
        return bytes;
    }
    // UTF-16 without a single NUL byte holds no ASCII character (not even a
    // line break), so no secret: such a "BOM" is more likely the start of a
    // Latin-1 or binary file, left as it is.
    let has_nul = || memchr::memchr(0, &bytes[2..]).is_some();
    let decoded = match bytes.get(..2) {
        // FF FE 00 00 is the UTF-32 LE BOM: not handled, left as binary.
        Some([0xFF, 0xFE]) if bytes.get(2..4) != Some(&[0, 0]) && has_nul() => {
            Some(decode_utf16_lossy(&bytes[2..], Endian::Little))
        }
        Some([0xFE, 0xFF]) if has_nul() => Some(decode_utf16_lossy(&bytes[2..], Endian::Big)),
        _ => bomless_utf16(&bytes).and_then(|endian| decode_utf16_strict(&bytes, endian)),
    };
    decoded.map_or(bytes, String::into_bytes)
}

/// `decode_text` for borrowed bytes (git blobs): copied only when they
/// need transcoding.
pub fn decoded(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let marked = bytes.starts_with(UTF8_BOM)
        || bytes.starts_with(&[0xFF, 0xFE])
        || bytes.starts_with(&[0xFE, 0xFF]);
    if marked || bomless_utf16(bytes).is_some() {
        std::borrow::Cow::Owned(decode_text(bytes.to_vec()))
    } else {
        std::borrow::Cow::Borrowed(bytes)
    }
}

fn units(bytes: &[u8], endian: Endian) -> impl Iterator<Item = u16> + '_ {
    bytes.chunks_exact(2).map(move |pair| match endian {
        Endian::Little => u16::from_le_bytes([pair[0], pair[1]]),
        Endian::Big => u16::from_be_bytes([pair[0], pair[1]]),
    })
}

/// With a BOM the encoding is certain: a stray byte or lone surrogate
/// becomes U+FFFD rather than hiding the rest of the file.
fn decode_utf16_lossy(bytes: &[u8], endian: Endian) -> String {
    let mut text: String = char::decode_utf16(units(bytes, endian))
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    if bytes.len() % 2 == 1 {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    text
}

/// Without a BOM the guess must hold for the whole file.
fn decode_utf16_strict(bytes: &[u8], endian: Endian) -> Option<String> {
    char::decode_utf16(units(bytes, endian))
        .collect::<Result<String, _>>()
        .ok()
}

/// BOM-less UTF-16 is recognised by its NUL pattern over the first 8 KiB:
/// even length, no NUL character, and at least three quarters of the code
/// units printable ASCII (or tab / line break) with the zero byte on the
/// same side.  Binaries have NUL characters or no such regularity.
fn bomless_utf16(bytes: &[u8]) -> Option<Endian> {
    if bytes.len() < 4 || bytes.len() % 2 == 1 {
        return None;
    }
    let sample = &bytes[..bytes.len().min(8192)];
    memchr::memchr(0, sample)?;
    let (mut little, mut big, mut total) = (0usize, 0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        match (pair[0], pair[1]) {
            (0, 0) => return None,
            (low, 0) if is_text_ascii(low) => little += 1,
            (0, low) if is_text_ascii(low) => big += 1,
            _ => {}
        }
        total += 1;
    }
    if little * 4 >= total * 3 {
        Some(Endian::Little)
    } else if big * 4 >= total * 3 {
        Some(Endian::Big)
    } else {
        None
    }
}

fn is_text_ascii(byte: u8) -> bool {
    matches!(byte, b'\t' | b'\n' | b'\r' | 0x20..=0x7E)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    fn utf16be(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_be_bytes).collect()
    }

    #[test]
    fn utf16_with_bom_either_order() {
        let mut le = vec![0xFF, 0xFE];
        le.extend(utf16le("a=1\r\nb=é😀\r\n"));
        assert_eq!(decode_text(le), "a=1\r\nb=é😀\r\n".as_bytes());
        let mut be = vec![0xFE, 0xFF];
        be.extend(utf16be("x\ny"));
        assert_eq!(decode_text(be), b"x\ny");
    }

    #[test]
    fn bomless_utf16_by_its_nul_pattern() {
        assert_eq!(decode_text(utf16le("KEY=value\n")), b"KEY=value\n");
        assert_eq!(decode_text(utf16be("KEY=value\n")), b"KEY=value\n");
    }

    #[test]
    fn binaries_and_plain_text_are_left_alone() {
        let elf = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00".to_vec();
        assert_eq!(decode_text(elf.clone()), elf);
        let text = b"plain text\n".to_vec();
        assert_eq!(decode_text(text.clone()), text);
        // A lone surrogate without a BOM: not UTF-16 after all.
        let mut broken = utf16le("abcdef");
        broken.extend([0x00, 0xD8]);
        assert_eq!(decode_text(broken.clone()), broken);
        // Odd length: not UTF-16.
        let odd = b"a\0b\0c".to_vec();
        assert_eq!(decode_text(odd.clone()), odd);
        // FF FE before Latin-1 text (no NUL): not a BOM.
        let latin1 = b"\xff\xfe garbage \xc3( key".to_vec();
        assert_eq!(decode_text(latin1.clone()), latin1);
    }

    #[test]
    fn utf8_bom_is_dropped() {
        assert_eq!(decode_text(b"\xEF\xBB\xBFKEY=1".to_vec()), b"KEY=1");
    }
}
