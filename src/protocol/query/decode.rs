//! The parameter tree of an awsQuery request into an operation's typed (serde) input.
//!
//! The shapes follow the awsQuery conventions: a structure's members are its children by name;
//! a list is `Name.member.N` (N from 1, in numeric order, no gaps); a map is
//! `Name.entry.N.key` / `Name.entry.N.value`; an empty list may be sent as `Name=` (an empty
//! value). Every value arrives as text and is parsed into the number or boolean the input type
//! asks for. Members the input does not know are ignored.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};

use super::form::Node;

/// Why the parameters do not make the input: the text names the parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeError {}

impl de::Error for DecodeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DecodeError(msg.to_string())
    }
}

/// Decodes the parameter tree `params` into `T`; an error names the parameter at fault
/// (`DurationSeconds: 'abc' is not a number`), except a missing member, which serde names.
pub fn decode<T: DeserializeOwned>(params: &Node) -> Result<T, DecodeError> {
    serde_path_to_error::deserialize(NodeDeserializer { node: params }).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if path == "." || inner.0.starts_with("missing field") {
            inner
        } else {
            DecodeError(format!("{path}: {}", inner.0))
        }
    })
}

/// The largest list index accepted: far beyond any list limit of STS or IAM.
const MAX_LIST_INDEX: usize = 1000;

struct NodeDeserializer<'a> {
    node: &'a Node,
}

impl<'a> NodeDeserializer<'a> {
    fn leaf(&self, expected: &str) -> Result<&'a str, DecodeError> {
        match self.node {
            Node::Leaf(value) => Ok(value),
            Node::Branch(_) => Err(DecodeError(format!(
                "expected {expected}, found nested parameters"
            ))),
        }
    }

    fn parsed<T: std::str::FromStr>(&self, expected: &str) -> Result<T, DecodeError> {
        let text = self.leaf(expected)?;
        text.trim()
            .parse()
            .map_err(|_| DecodeError(format!("'{}' is not {expected}", shorten(text))))
    }

    /// The items of a list: the children of `member`, in index order.
    fn list_items(&self) -> Result<Vec<&'a Node>, DecodeError> {
        match self.node {
            Node::Leaf(value) if value.is_empty() => Ok(Vec::new()),
            Node::Leaf(_) => Err(DecodeError("expected a list (Name.member.N)".into())),
            Node::Branch(children) => indexed(children, "member"),
        }
    }
}

/// The children of `children[wrapper]` (`member` or `entry`), which must be named 1..=N.
fn indexed<'a>(
    children: &'a BTreeMap<String, Node>,
    wrapper: &str,
) -> Result<Vec<&'a Node>, DecodeError> {
    if children.is_empty() {
        return Ok(Vec::new());
    }
    let Some(Node::Branch(items)) = children.get(wrapper) else {
        return Err(DecodeError(format!("expected Name.{wrapper}.N")));
    };
    if children.len() != 1 {
        return Err(DecodeError(format!("expected only Name.{wrapper}.N")));
    }
    let mut numbered = Vec::with_capacity(items.len());
    for (index, node) in items {
        let position: usize = index
            .parse()
            .ok()
            .filter(|n| (1..=MAX_LIST_INDEX).contains(n) && !index.starts_with('0'))
            .ok_or_else(|| DecodeError(format!("'{}' is not a list index", shorten(index))))?;
        numbered.push((position, node));
    }
    numbered.sort_by_key(|(position, _)| *position);
    if numbered
        .iter()
        .enumerate()
        .any(|(offset, (position, _))| *position != offset + 1)
    {
        return Err(DecodeError("list indexes must run 1, 2, 3, ...".into()));
    }
    Ok(numbered.into_iter().map(|(_, node)| node).collect())
}

fn shorten(text: &str) -> String {
    text.chars().take(64).collect()
}

macro_rules! parse_scalar {
    ($($method:ident => $visit:ident, $ty:ty, $expected:literal;)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
                visitor.$visit(self.parsed::<$ty>($expected)?)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for NodeDeserializer<'_> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.node {
            Node::Leaf(value) => visitor.visit_str(value),
            Node::Branch(children) => visitor.visit_map(Members::new(children)),
        }
    }

    parse_scalar! {
        deserialize_i8 => visit_i8, i8, "a number";
        deserialize_i16 => visit_i16, i16, "a number";
        deserialize_i32 => visit_i32, i32, "a number";
        deserialize_i64 => visit_i64, i64, "a number";
        deserialize_u8 => visit_u8, u8, "a number";
        deserialize_u16 => visit_u16, u16, "a number";
        deserialize_u32 => visit_u32, u32, "a number";
        deserialize_u64 => visit_u64, u64, "a number";
        deserialize_f32 => visit_f32, f32, "a number";
        deserialize_f64 => visit_f64, f64, "a number";
        deserialize_bool => visit_bool, bool, "a boolean";
        deserialize_char => visit_char, char, "a character";
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_str(self.leaf("a string")?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_string(self.leaf("a string")?.to_owned())
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_str(self.leaf("a string")?)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_string(self.leaf("a string")?.to_owned())
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let items = self.list_items()?;
        visitor.visit_seq(Items {
            items: items.into_iter(),
        })
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let entries = match self.node {
            Node::Leaf(value) if value.is_empty() => Vec::new(),
            Node::Leaf(_) => return Err(DecodeError("expected a map (Name.entry.N)".into())),
            Node::Branch(children) => indexed(children, "entry")?,
        };
        let mut pairs = Vec::with_capacity(entries.len());
        for entry in entries {
            let Node::Branch(parts) = entry else {
                return Err(DecodeError("expected Name.entry.N.key and .value".into()));
            };
            match (parts.get("key"), parts.get("value")) {
                (Some(Node::Leaf(key)), Some(value)) if parts.len() == 2 => {
                    pairs.push((key.as_str(), value));
                }
                _ => return Err(DecodeError("expected Name.entry.N.key and .value".into())),
            }
        }
        visitor.visit_map(Entries {
            pairs: pairs.into_iter(),
            value: None,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        match self.node {
            Node::Branch(children) => visitor.visit_map(Members::new(children)),
            Node::Leaf(_) => Err(DecodeError("expected a structure (Name.Member=...)".into())),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        let text: &str = self.leaf("a string")?;
        visitor.visit_enum(text.to_owned().into_deserializer())
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_unit()
    }
}

/// The members of a structure, by name.
struct Members<'a> {
    members: std::collections::btree_map::Iter<'a, String, Node>,
    value: Option<&'a Node>,
}

impl<'a> Members<'a> {
    fn new(children: &'a BTreeMap<String, Node>) -> Self {
        Members {
            members: children.iter(),
            value: None,
        }
    }
}

impl<'de> MapAccess<'de> for Members<'_> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        let Some((name, node)) = self.members.next() else {
            return Ok(None);
        };
        self.value = Some(node);
        seed.deserialize(name.as_str().into_deserializer())
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeError> {
        let node = self
            .value
            .take()
            .ok_or_else(|| DecodeError("a value was asked for twice".into()))?;
        seed.deserialize(NodeDeserializer { node })
    }
}

/// The items of a list.
struct Items<'a> {
    items: std::vec::IntoIter<&'a Node>,
}

impl<'de> SeqAccess<'de> for Items<'_> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        self.items
            .next()
            .map(|node| seed.deserialize(NodeDeserializer { node }))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The entries of a map.
struct Entries<'a> {
    pairs: std::vec::IntoIter<(&'a str, &'a Node)>,
    value: Option<&'a Node>,
}

impl<'de> MapAccess<'de> for Entries<'_> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        let Some((key, node)) = self.pairs.next() else {
            return Ok(None);
        };
        self.value = Some(node);
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeError> {
        let node = self
            .value
            .take()
            .ok_or_else(|| DecodeError("a value was asked for twice".into()))?;
        seed.deserialize(NodeDeserializer { node })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::HashMap;

    use serde::Deserialize;

    use super::*;
    use crate::protocol::query::form;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    struct Tag {
        key: String,
        value: String,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Descriptor {
        arn: String,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    struct Input {
        role_arn: String,
        duration_seconds: Option<i32>,
        enabled: Option<bool>,
        tags: Option<Vec<Tag>>,
        policy_arns: Option<Vec<Descriptor>>,
        keys: Option<Vec<String>>,
        context: Option<HashMap<String, String>>,
    }

    fn decode_body(body: &str) -> Result<Input, DecodeError> {
        decode(&form::parse(body.as_bytes()).unwrap().params)
    }

    #[test]
    fn members_lists_maps_and_scalars_decode() {
        let input = decode_body(
            "RoleArn=arn%3Ar&DurationSeconds=900&Enabled=true&Tags.member.2.Key=b&Tags.member.2.Value=2&Tags.member.1.Key=a&Tags.member.1.Value=1&PolicyArns.member.1.arn=p&Keys=&Context.entry.1.key=k&Context.entry.1.value=v&Unknown=ignored",
        )
        .unwrap();
        assert_eq!(
            input,
            Input {
                role_arn: "arn:r".into(),
                duration_seconds: Some(900),
                enabled: Some(true),
                tags: Some(vec![
                    Tag {
                        key: "a".into(),
                        value: "1".into()
                    },
                    Tag {
                        key: "b".into(),
                        value: "2".into()
                    },
                ]),
                policy_arns: Some(vec![Descriptor { arn: "p".into() }]),
                keys: Some(vec![]),
                context: Some(HashMap::from([("k".into(), "v".into())])),
            }
        );
    }

    #[test]
    fn lists_sort_numerically_past_nine() {
        let body: String = (1..=11)
            .map(|n| format!("Keys.member.{n}=k{n}&"))
            .collect::<String>()
            + "RoleArn=r";
        let keys = decode_body(&body).unwrap().keys.unwrap();
        assert_eq!(keys.first().map(String::as_str), Some("k1"));
        assert_eq!(keys.last().map(String::as_str), Some("k11"));
    }

    #[test]
    fn wrong_shapes_and_values_are_refused_with_a_reason() {
        for body in [
            "RoleArn=r&DurationSeconds=abc",
            "RoleArn=r&DurationSeconds=99999999999",
            "RoleArn=r&Enabled=yes",
            "RoleArn.X=r",
            "RoleArn=r&Keys=x",
            "RoleArn=r&Keys.member.2=b",
            "RoleArn=r&Keys.member.0=b",
            "RoleArn=r&Keys.member.01=b",
            "RoleArn=r&Keys.item.1=b",
            "RoleArn=r&Keys.member.1=a&Keys.other=b",
            "RoleArn=r&Tags.member.1=flat",
            "RoleArn=r&Context.entry.1.key=k",
            "DurationSeconds=1",
        ] {
            assert!(decode_body(body).is_err(), "{body}");
        }
        let error = decode_body("RoleArn=r&DurationSeconds=abc").unwrap_err();
        assert_eq!(error.0, "DurationSeconds: 'abc' is not a number");
        let error = decode_body("DurationSeconds=1").unwrap_err();
        assert!(error.0.contains("RoleArn"), "{}", error.0);
    }

    mod round_trip {
        use proptest::prelude::*;

        use super::*;

        proptest! {
            /// Whatever the values (any text, percent-encoded as SDKs encode it) and however
            /// many items, a list of tags written the awsQuery way reads back exactly, in order.
            #[test]
            fn tag_lists_read_back_exactly(
                tags in proptest::collection::vec((any::<String>(), any::<String>()), 0..15),
                role in any::<String>(),
            ) {
                let mut body = form_urlencoded::Serializer::new(String::new());
                body.append_pair("RoleArn", &role);
                for (index, (key, value)) in tags.iter().enumerate() {
                    body.append_pair(&format!("Tags.member.{}.Key", index + 1), key);
                    body.append_pair(&format!("Tags.member.{}.Value", index + 1), value);
                }
                let input = decode_body(&body.finish()).unwrap();
                prop_assert_eq!(input.role_arn, role);
                let read: Vec<(String, String)> = input
                    .tags
                    .unwrap_or_default()
                    .into_iter()
                    .map(|tag| (tag.key, tag.value))
                    .collect();
                prop_assert_eq!(read, tags);
            }
        }
    }
}
