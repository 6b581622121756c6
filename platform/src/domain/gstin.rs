//! GSTIN, India's GST registration number: 2-digit state code, PAN, entity code, `Z`, and a
//! base-36 check character (the official Luhn-mod-36 variant).

const ALPHABET: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

fn check_char(first_14: &[u8]) -> Option<u8> {
    let mut sum = 0u32;
    for (i, c) in first_14.iter().enumerate() {
        let value = ALPHABET.iter().position(|a| a == c)? as u32;
        let product = value * if i % 2 == 0 { 1 } else { 2 };
        sum += product / 36 + product % 36;
    }
    Some(ALPHABET[((36 - sum % 36) % 36) as usize])
}

/// Validates a GSTIN's format and check character; returns it upper-cased.
pub fn parse_gstin(raw: &str) -> Result<String, &'static str> {
    let gstin = raw.trim().to_ascii_uppercase();
    let b = gstin.as_bytes();
    let format_ok = b.len() == 15
        && b[0..2].iter().all(u8::is_ascii_digit)
        && (1..=38).contains(&gstin[0..2].parse::<u8>().unwrap_or(0))
        && b[2..7].iter().all(u8::is_ascii_uppercase)
        && b[7..11].iter().all(u8::is_ascii_digit)
        && b[11].is_ascii_uppercase()
        && (b[12].is_ascii_uppercase() || (b'1'..=b'9').contains(&b[12]))
        && b[13] == b'Z'
        && b[14].is_ascii_alphanumeric();
    if !format_ok {
        return Err("is not a GSTIN (15 characters: state code, PAN, entity code, Z, check)");
    }
    if check_char(&b[..14]) != Some(b[14]) {
        return Err("has a wrong check character");
    }
    Ok(gstin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_gstins_pass_and_a_changed_character_fails() {
        assert_eq!(parse_gstin("27AAPFU0939F1ZV").unwrap(), "27AAPFU0939F1ZV");
        assert_eq!(parse_gstin("29abcde1234f1zw").unwrap(), "29ABCDE1234F1ZW");
        assert!(
            parse_gstin("27AAPFU0939F1ZW").is_err(),
            "wrong check character"
        );
        assert!(parse_gstin("99AAPFU0939F1ZV").is_err(), "no such state");
        assert!(parse_gstin("27AAPFU0939F1XV").is_err(), "14th must be Z");
        assert!(parse_gstin("27AAPFU0939F1Z").is_err(), "too short");
    }
}
