//! The provider webhook readers (SNS envelopes, SES notifications, SendGrid, Mailgun and
//! Postmark events): never panic on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = veto_webhooks::sendgrid::parse_events(data);
    let _ = veto_webhooks::postmark::parse(data);
    if let Ok(m) = veto_webhooks::SnsMessage::parse(data) {
        let _ = m.string_to_sign();
        let _ = m.into_outcome();
    }
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = veto_webhooks::mailgun::parse_event_data(&v);
        if let Some(d) = v.get("event-data") {
            let _ = veto_webhooks::mailgun::parse_event_data(d);
        }
    }
    let text = String::from_utf8_lossy(data);
    let _ = veto_webhooks::ses::parse_notification("fuzz-message", &text);
});
