//! Phone numbers in E.164, checked against libphonenumber's metadata (the `phonenumber` crate).

use std::fmt;

use phonenumber::Mode;

/// A valid phone number in E.164 form (`+919876543210`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber {
    e164: String,
    country_code: u16,
}

impl PhoneNumber {
    /// Parses an E.164 number: a leading `+`, digits only, and a number that is valid (not just
    /// possible) for its country.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let raw = raw.trim();
        let digits = raw
            .strip_prefix('+')
            .ok_or("must be in E.164 form, starting with +")?;
        if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("must be in E.164 form: + and up to 15 digits");
        }
        let parsed = phonenumber::parse(None, raw).map_err(|_| "is not a phone number")?;
        if !phonenumber::is_valid(&parsed) {
            return Err("is not a valid phone number");
        }
        Ok(Self {
            e164: parsed.format().mode(Mode::E164).to_string(),
            country_code: parsed.code().value(),
        })
    }

    /// The E.164 text.
    pub fn as_str(&self) -> &str {
        &self.e164
    }

    /// The country calling code (91 for India).
    pub fn country_code(&self) -> u16 {
        self.country_code
    }
}

/// What the document promises: an Indian mobile number, the market this app serves (the parser
/// also reads other countries' numbers, which the login rules then refuse or allow).
pub const PHONE_NUMBER_PATTERN: &str = r"^\+91[6-9][0-9]{9}$";

crate::string_field!(
    PhoneNumber,
    PhoneNumber::parse,
    pattern: Some(PHONE_NUMBER_PATTERN),
    format: None,
    example: Some("+919876543210")
);

// Phone numbers are personal data: Debug shows only the country code and the last two digits.
impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tail = &self.e164[self.e164.len().saturating_sub(2)..];
        write!(f, "PhoneNumber(+{}…{tail})", self.country_code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_numbers_parse_to_e164_with_their_country_code() {
        let phone = PhoneNumber::parse(" +91 98765 43210 ".replace(' ', "").as_str()).unwrap();
        assert_eq!(phone.as_str(), "+919876543210");
        assert_eq!(phone.country_code(), 91);
        assert_eq!(
            PhoneNumber::parse("+14155552671").unwrap().country_code(),
            1
        );
    }

    #[test]
    fn everything_else_is_rejected() {
        for bad in [
            "",
            "9876543210",
            "+",
            "+91abc",
            "+91 98765 43210",
            "+0123456789",
            "+91123",
            "+9198765432101234",
        ] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn debug_hides_the_number() {
        let phone = PhoneNumber::parse("+919876543210").unwrap();
        assert_eq!(format!("{phone:?}"), "PhoneNumber(+91…10)");
    }
}
