//! Random passwords for GetRandomPassword, from a CSPRNG with unbiased choices.
//!
//! The alphabet is AWS's: `A-Z`, `a-z`, `0-9`, the 32 ASCII punctuation characters
//! ``!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~`` and, on request, the space. Each class can be
//! excluded, and `ExcludeCharacters` removes single characters from every class.
//! With `RequireEachIncludedType`, the password holds at least one character of every
//! letter/digit/punctuation class that still has characters; the space is never required
//! (the model's doc lists only "upper and lowercase letter, one number, and one punctuation").
//! Invariant: every character is drawn uniformly (rand's unbiased range sampling) and the
//! positions of the required characters are shuffled uniformly (Fisher-Yates).

use rand::Rng;
use rand::seq::{IndexedRandom as _, SliceRandom as _};
use zeroize::Zeroizing;

/// Uppercase letters.
pub const UPPERCASE: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/// Lowercase letters.
pub const LOWERCASE: &str = "abcdefghijklmnopqrstuvwxyz";
/// Digits.
pub const DIGITS: &str = "0123456789";
/// AWS's punctuation set (the model's `ExcludePunctuation` documentation).
pub const PUNCTUATION: &str = r##"!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~"##;

/// What the caller asked for.
#[derive(Debug, Clone, Default)]
pub struct PasswordSpec<'a> {
    /// Number of characters.
    pub length: usize,
    /// Characters that must never appear.
    pub exclude_characters: &'a str,
    /// No `0-9`.
    pub exclude_numbers: bool,
    /// No punctuation.
    pub exclude_punctuation: bool,
    /// No `A-Z`.
    pub exclude_uppercase: bool,
    /// No `a-z`.
    pub exclude_lowercase: bool,
    /// The space may appear.
    pub include_space: bool,
    /// At least one character of each included class.
    pub require_each_included_type: bool,
}

/// Why no password can satisfy a spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Infeasible {
    /// Every character is excluded.
    NoCharacters,
    /// Fewer characters than required classes.
    TooShort,
}

/// A password for `spec`, drawn from `rng` (pass a CSPRNG such as `rand::rng()`).
pub fn generate(
    spec: &PasswordSpec<'_>,
    rng: &mut impl Rng,
) -> Result<Zeroizing<String>, Infeasible> {
    let keep = |class: &str| -> Vec<char> {
        class
            .chars()
            .filter(|c| !spec.exclude_characters.contains(*c))
            .collect()
    };
    let classes: Vec<Vec<char>> = [
        (UPPERCASE, spec.exclude_uppercase),
        (LOWERCASE, spec.exclude_lowercase),
        (DIGITS, spec.exclude_numbers),
        (PUNCTUATION, spec.exclude_punctuation),
    ]
    .into_iter()
    .filter(|(_, excluded)| !excluded)
    .map(|(class, _)| keep(class))
    .filter(|chars| !chars.is_empty())
    .collect();
    let mut pool: Vec<char> = classes.iter().flatten().copied().collect();
    if spec.include_space {
        pool.extend(keep(" "));
    }
    if pool.is_empty() {
        return Err(Infeasible::NoCharacters);
    }
    let required: &[Vec<char>] = if spec.require_each_included_type {
        &classes
    } else {
        &[]
    };
    if spec.length < required.len() {
        return Err(Infeasible::TooShort);
    }

    let mut chars: Zeroizing<Vec<char>> = Zeroizing::new(Vec::with_capacity(spec.length));
    for class in required {
        chars.extend(class.choose(rng));
    }
    while chars.len() < spec.length {
        chars.extend(pool.choose(rng));
    }
    chars.shuffle(rng);
    Ok(Zeroizing::new(chars.iter().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(length: usize) -> PasswordSpec<'static> {
        PasswordSpec {
            length,
            require_each_included_type: true,
            ..PasswordSpec::default()
        }
    }

    #[test]
    fn punctuation_is_the_32_ascii_marks() {
        assert_eq!(PUNCTUATION.len(), 32);
        assert!(PUNCTUATION.chars().all(|c| c.is_ascii_punctuation()));
        let all = (0u8..128).filter(u8::is_ascii_punctuation).count();
        assert_eq!(all, 32);
    }

    #[test]
    fn required_classes_always_appear_even_when_short() {
        let mut rng = rand::rng();
        for _ in 0..500 {
            let password = generate(&spec(4), &mut rng).unwrap();
            for class in [UPPERCASE, LOWERCASE, DIGITS, PUNCTUATION] {
                assert!(password.chars().any(|c| class.contains(c)), "{class}");
            }
        }
    }

    #[test]
    fn infeasible_specs_are_reported() {
        let mut rng = rand::rng();
        assert_eq!(generate(&spec(3), &mut rng), Err(Infeasible::TooShort));
        let nothing = PasswordSpec {
            exclude_numbers: true,
            exclude_punctuation: true,
            exclude_uppercase: true,
            exclude_lowercase: true,
            ..spec(10)
        };
        assert_eq!(generate(&nothing, &mut rng), Err(Infeasible::NoCharacters));
        let only_space = PasswordSpec {
            include_space: true,
            ..nothing
        };
        assert_eq!(
            generate(&only_space, &mut rng).unwrap().as_str(),
            " ".repeat(10)
        );
    }

    #[test]
    fn a_class_emptied_by_exclude_characters_is_not_required() {
        let mut rng = rand::rng();
        let no_digits = PasswordSpec {
            exclude_characters: DIGITS,
            ..spec(3)
        };
        let password = generate(&no_digits, &mut rng).unwrap();
        assert!(!password.chars().any(|c| c.is_ascii_digit()));
    }

    #[test]
    fn draws_are_roughly_uniform() {
        // 20 000 digits-only characters: each digit expected 2 000 times; a fair generator
        // stays within ±20% with overwhelming probability.
        let mut rng = rand::rng();
        let digits_only = PasswordSpec {
            length: 20_000,
            exclude_punctuation: true,
            exclude_uppercase: true,
            exclude_lowercase: true,
            ..PasswordSpec::default()
        };
        let password = generate(&digits_only, &mut rng).unwrap();
        for digit in DIGITS.chars() {
            let count = password.chars().filter(|c| *c == digit).count();
            assert!((1_600..=2_400).contains(&count), "{digit}: {count}");
        }
    }
}
