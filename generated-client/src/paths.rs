//! Path parameters of the generated `send()` methods (the generator's
//! `send_path` pass writes `paths::Encoded(&x)` for progenitor's
//! `encode_path(&x.to_string())`).

use std::fmt::{self, Display, Write};

/// What `progenitor_client::encode_path` escapes.
const PATH_SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%');

/// `x`'s `Display` output, percent-encoded as
/// `progenitor_client::encode_path(&x.to_string())` encodes it, but
/// written straight into the formatter: no intermediate strings.
pub struct Encoded<'a, T: ?Sized>(pub &'a T);

impl<T: Display + ?Sized> Display for Encoded<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Escaping<'a, 'b>(&'a mut fmt::Formatter<'b>);
        impl Write for Escaping<'_, '_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                // Chunks are whole `str`s, so escaping them one by one
                // equals escaping the whole.
                Display::fmt(&percent_encoding::utf8_percent_encode(s, PATH_SET), self.0)
            }
        }
        write!(Escaping(f), "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Encoded;

    #[test]
    fn encodes_as_progenitor_does() {
        let mut samples: Vec<String> = (0u8..128).map(|b| char::from(b).to_string()).collect();
        samples.extend(
            [
                "",
                "0000000000000001",
                "a b/c%d?e#f",
                "ümlaut €",
                "x\u{7f}y",
                "{id}",
            ]
            .map(String::from),
        );
        samples.push(samples.concat());
        for sample in &samples {
            assert_eq!(
                Encoded(sample).to_string(),
                progenitor_client::encode_path(sample),
                "{sample:?}"
            );
        }
        assert_eq!(Encoded(&42u64).to_string(), "42");
        assert_eq!(
            format!("{}/v1/{}", "http://h", Encoded("a/b")),
            "http://h/v1/a%2Fb"
        );
    }
}
