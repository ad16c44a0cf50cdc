//! awsQuery responses as XML: the typed output, and the error envelope.
//!
//! A success is `<OpResponse xmlns=..><OpResult>..</OpResult><ResponseMetadata><RequestId>..`;
//! an operation without an output shape has no `OpResult`. The output is first serialized to
//! JSON values and then walked: an object becomes child elements named by its members, an
//! array becomes `<member>` items, `null` (an absent member) is left out, and scalars are
//! text. Timestamps and blobs are already text in the output types (ISO 8601, base64).
//! Text is escaped, and characters XML 1.0 cannot carry at all (most control characters) are
//! replaced, so whatever a client sent and an error quotes back, the document stays readable.

use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use serde::Serialize;
use serde_json::Value;

/// The parts of an error envelope, and its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault<'a> {
    /// `Sender` for a client error, `Receiver` for a failure of the service.
    pub kind: &'static str,
    /// The error code, e.g. `InvalidClientTokenId`.
    pub code: &'static str,
    /// The message, if any.
    pub message: Option<std::borrow::Cow<'a, str>>,
    /// The HTTP status it is sent with.
    pub status: u16,
}

/// The response document of a successful call of `operation`; `output` is `None` for an
/// operation without an output shape.
pub fn success<O: Serialize>(
    namespace: &str,
    operation: &str,
    output: Option<&O>,
    request_id: &str,
) -> Result<Vec<u8>, serde_json::Error> {
    let value = output.map(serde_json::to_value).transpose()?;
    let mut xml = Xml::new();
    let response = format!("{operation}Response");
    xml.open_with_namespace(&response, namespace);
    if let Some(value) = &value {
        xml.element(&format!("{operation}Result"), value);
    }
    xml.open("ResponseMetadata");
    xml.text_element("RequestId", request_id);
    xml.close("ResponseMetadata");
    xml.close(&response);
    Ok(xml.finish())
}

/// The error document: `<ErrorResponse xmlns=..><Error><Type/><Code/><Message/></Error>
/// <RequestId/></ErrorResponse>`.
pub fn fault(namespace: &str, fault: &Fault<'_>, request_id: &str) -> Vec<u8> {
    let mut xml = Xml::new();
    xml.open_with_namespace("ErrorResponse", namespace);
    xml.open("Error");
    xml.text_element("Type", fault.kind);
    xml.text_element("Code", fault.code);
    if let Some(message) = fault.message.as_deref() {
        xml.text_element("Message", message);
    }
    xml.close("Error");
    xml.text_element("RequestId", request_id);
    xml.close("ErrorResponse");
    xml.finish()
}

/// A small writer over quick-xml. Writing into a `Vec` cannot fail, so the io results are
/// dropped.
struct Xml {
    writer: Writer<Vec<u8>>,
}

impl Xml {
    fn new() -> Self {
        Xml {
            writer: Writer::new(Vec::new()),
        }
    }

    fn open_with_namespace(&mut self, name: &str, namespace: &str) {
        let start = BytesStart::new(name).with_attributes([("xmlns", namespace)]);
        let _ = self.writer.write_event(Event::Start(start));
    }

    fn open(&mut self, name: &str) {
        let _ = self.writer.write_event(Event::Start(BytesStart::new(name)));
    }

    fn close(&mut self, name: &str) {
        let _ = self.writer.write_event(Event::End(BytesEnd::new(name)));
    }

    fn text(&mut self, text: &str) {
        let clean = xml_safe(text);
        // Only `<`, `>` and `&` are escaped in text, as AWS writes it.
        let escaped = quick_xml::escape::partial_escape(clean.as_ref());
        let _ = self
            .writer
            .write_event(Event::Text(BytesText::from_escaped(escaped)));
    }

    fn text_element(&mut self, name: &str, text: &str) {
        self.open(name);
        self.text(text);
        self.close(name);
    }

    /// Writes `value` as the element `name`; an absent (`null`) value writes nothing.
    fn element(&mut self, name: &str, value: &Value) {
        match value {
            Value::Null => {}
            Value::Bool(flag) => self.text_element(name, if *flag { "true" } else { "false" }),
            Value::Number(number) => self.text_element(name, &number.to_string()),
            Value::String(text) => self.text_element(name, text),
            Value::Array(items) => {
                self.open(name);
                for item in items {
                    self.element("member", item);
                }
                self.close(name);
            }
            Value::Object(members) => {
                self.open(name);
                for (member, value) in members {
                    self.element(member, value);
                }
                self.close(name);
            }
        }
    }

    fn finish(self) -> Vec<u8> {
        self.writer.into_inner()
    }
}

/// `text` with the characters XML 1.0 forbids replaced by U+FFFD.
fn xml_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
    if text.chars().all(allowed) {
        return text.into();
    }
    text.chars()
        .map(|c| if allowed(c) { c } else { '\u{FFFD}' })
        .collect::<String>()
        .into()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const NS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        arn: String,
        size: Option<i32>,
        absent: Option<String>,
        flags: Vec<bool>,
        nested: Nested,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Nested {
        id: String,
    }

    fn text(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn outputs_become_elements_lists_members_and_absent_members_vanish() {
        let output = Output {
            arn: "a<b&c>".into(),
            size: Some(6),
            absent: None,
            flags: vec![true, false],
            nested: Nested { id: "x".into() },
        };
        let xml = text(success(NS, "Op", Some(&output), "rid").unwrap());
        assert_eq!(
            xml,
            format!(
                "<OpResponse xmlns=\"{NS}\"><OpResult><Arn>a&lt;b&amp;c&gt;</Arn><Flags><member>true</member><member>false</member></Flags><Nested><Id>x</Id></Nested><Size>6</Size></OpResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></OpResponse>"
            )
        );
    }

    #[test]
    fn operations_without_output_have_no_result_element() {
        let xml = text(success::<()>(NS, "Op", None, "rid").unwrap());
        assert!(!xml.contains("OpResult"), "{xml}");
        assert!(xml.ends_with("<OpResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></OpResponse>"));
    }

    #[test]
    fn faults_are_escaped_and_stay_well_formed() {
        let xml = text(fault(
            NS,
            &Fault {
                kind: "Sender",
                code: "ValidationError",
                message: Some("Value '<\u{1}>' is bad".into()),
                status: 400,
            },
            "rid",
        ));
        assert!(xml.contains("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Value '&lt;\u{FFFD}&gt;' is bad</Message></Error><RequestId>rid</RequestId></ErrorResponse>"), "{xml}");
        let mut reader = quick_xml::Reader::from_str(&xml);
        loop {
            match reader.read_event().unwrap() {
                Event::Eof => break,
                _ => continue,
            }
        }
    }
}
