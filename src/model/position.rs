//! Byte offsets -> 1-based line and column, computed only for matches.
//!
//! Columns count Unicode code points (SARIF `columnKind: unicodeCodePoints`);
//! invalid UTF-8 counts one column per byte that is not a continuation byte.

/// 1-based line and column of a byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Converts offsets in increasing order without rescanning from the start:
/// the cost of all conversions in a buffer is one pass over it.
pub struct PositionCursor<'a> {
    haystack: &'a [u8],
    offset: usize,
    line: usize,
    line_start: usize,
}

impl<'a> PositionCursor<'a> {
    pub fn new(haystack: &'a [u8]) -> Self {
        PositionCursor {
            haystack,
            offset: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// Position of `target`; targets must not decrease between calls (a
    /// smaller one restarts the cursor, correct but slower).
    pub fn locate(&mut self, target: usize) -> LineCol {
        let target = target.min(self.haystack.len());
        if target < self.offset {
            *self = PositionCursor::new(self.haystack);
        }
        let segment = &self.haystack[self.offset..target];
        for newline in memchr::memchr_iter(b'\n', segment) {
            self.line += 1;
            self.line_start = self.offset + newline + 1;
        }
        self.offset = target;
        LineCol {
            line: self.line,
            column: count_columns(&self.haystack[self.line_start..target]) + 1,
        }
    }

    /// Byte range of the line containing `offset` (without its newline).
    pub fn line_bounds(haystack: &[u8], offset: usize) -> std::ops::Range<usize> {
        let offset = offset.min(haystack.len());
        let start = memchr::memrchr(b'\n', &haystack[..offset]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &haystack[offset..]).map_or(haystack.len(), |i| offset + i);
        let end = if end > start && haystack[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        start..end
    }
}

/// Code points in `bytes` (UTF-8 leading bytes; invalid bytes count once).
pub fn count_columns(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// The exclusive end position of a secret starting at `start`.
pub fn end_position(start: LineCol, secret: &[u8]) -> LineCol {
    match memchr::memrchr(b'\n', secret) {
        None => LineCol {
            line: start.line,
            column: start.column + count_columns(secret),
        },
        Some(last_newline) => LineCol {
            line: start.line + memchr::memchr_iter(b'\n', secret).count(),
            column: count_columns(&secret[last_newline + 1..]) + 1,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based_and_count_code_points() {
        let text = "ab\nçd key\nx".as_bytes();
        let mut cursor = PositionCursor::new(text);
        assert_eq!(cursor.locate(0), LineCol { line: 1, column: 1 });
        let key = text.windows(3).position(|w| w == b"key").unwrap();
        assert_eq!(cursor.locate(key), LineCol { line: 2, column: 4 });
        assert_eq!(cursor.locate(text.len()), LineCol { line: 3, column: 2 });
        assert_eq!(cursor.locate(1), LineCol { line: 1, column: 2 });
    }
}
