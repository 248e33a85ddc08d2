//! Amazon SES event JSON (the `Message` of an SNS notification) in both shapes SES publishes:
//! identity notifications (`notificationType`: Bounce, Complaint, Delivery) and configuration
//! set event publishing (`eventType`: the same plus DeliveryDelay, Subscription, Send, Open …).
//! One event per recipient, with the id `<SNS MessageId>:<recipient, lower-case>`.

use serde_json::Value;
use veto_bounce::Reason;

use crate::classify::{BounceReport, judge};
use crate::error::WebhookError;
use crate::event::{EspEvent, EventKind, Provider, clean_message_id};
use crate::fields;

const SES: Provider = Provider::Ses;

/// Reads an SES event. `None` when `message` is not SES event JSON at all (SES's set-up
/// test message, another publisher on the topic); an error when it is SES JSON of a broken
/// shape.
pub fn parse_notification(
    sns_message_id: &str,
    message: &str,
) -> Result<Option<Vec<EspEvent>>, WebhookError> {
    let Ok(value) = serde_json::from_str::<Value>(message) else {
        return Ok(None);
    };
    let Some(kind) =
        fields::text(&value, "notificationType").or_else(|| fields::text(&value, "eventType"))
    else {
        return Ok(None);
    };
    let ctx = Context {
        sns_message_id,
        value: &value,
        message_id: message_id(&value),
    };
    let events = match kind {
        "Bounce" => bounces(&ctx)?,
        "Complaint" => complaints(&ctx)?,
        "Delivery" => deliveries(&ctx)?,
        "DeliveryDelay" => delays(&ctx)?,
        "Subscription" => subscriptions(&ctx)?,
        other => others(&ctx, other)?,
    };
    Ok(Some(events))
}

struct Context<'a> {
    sns_message_id: &'a str,
    value: &'a Value,
    message_id: Option<String>,
}

impl Context<'_> {
    /// An event for `recipient` with the common fields filled in; `section` is the event's
    /// own object (`bounce`, `complaint` …) whose `timestamp` is the event's time.
    fn event(
        &self,
        kind: EventKind,
        recipient: &str,
        section: Option<&Value>,
        id_suffix: Option<&str>,
    ) -> EspEvent {
        let recipient = recipient.trim();
        let mut event_id = format!("{}:{}", self.sns_message_id, recipient.to_lowercase());
        if let Some(suffix) = id_suffix {
            event_id.push(':');
            event_id.push_str(suffix);
        }
        let mut event = EspEvent::new(SES, event_id, kind, recipient, self.value.clone());
        event.message_id = self.message_id.clone();
        event.occurred_at = section
            .and_then(|s| fields::text(s, "timestamp"))
            .or_else(|| {
                self.value
                    .get("mail")
                    .and_then(|m| fields::text(m, "timestamp"))
            })
            .and_then(fields::rfc3339);
        event
    }

    /// The event's own object, required.
    fn section(&self, key: &str) -> Result<&Value, WebhookError> {
        self.value
            .get(key)
            .filter(|v| v.is_object())
            .ok_or_else(|| WebhookError::payload(SES, format!("no `{key}` object")))
    }

    /// The recipients the message was sent to (`mail.destination`).
    fn destinations(&self) -> Vec<&str> {
        self.value
            .get("mail")
            .map(|m| fields::list(m, "destination"))
            .unwrap_or_default()
            .iter()
            .filter_map(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// The original Message-ID header, else SES's own message id.
fn message_id(value: &Value) -> Option<String> {
    let mail = value.get("mail")?;
    let header = fields::list(mail, "headers").iter().find_map(|h| {
        let name = fields::text(h, "name")?;
        name.eq_ignore_ascii_case("message-id")
            .then(|| fields::text(h, "value"))
            .flatten()
    });
    header
        .or_else(|| {
            mail.get("commonHeaders")
                .and_then(|c| fields::text(c, "messageId"))
        })
        .or_else(|| fields::text(mail, "messageId"))
        .and_then(clean_message_id)
}

/// The address of a recipient entry, required.
fn address(entry: &Value, list: &str) -> Result<String, WebhookError> {
    fields::text(entry, "emailAddress")
        .map(str::to_string)
        .ok_or_else(|| {
            WebhookError::payload(SES, format!("an entry of `{list}` has no emailAddress"))
        })
}

/// The reason an SES bounce subtype stands for (SES, "Amazon SNS notification contents":
/// bounce types).
fn bounce_subtype_reason(subtype: Option<&str>) -> Option<Reason> {
    Some(match subtype? {
        "NoEmail" => Reason::UserUnknown,
        "Suppressed" | "OnAccountSuppressionList" => Reason::Suppressed,
        "MailboxFull" => Reason::MailboxFull,
        "MessageTooLarge" => Reason::MesgTooBig,
        "ContentRejected" | "AttachmentRejected" => Reason::ContentError,
        _ => return None,
    })
}

/// The reason an SES delivery-delay type stands for (SES event publishing, DeliveryDelay).
fn delay_type_reason(delay_type: Option<&str>) -> Option<Reason> {
    Some(match delay_type? {
        "MailboxFull" => Reason::MailboxFull,
        "SpamDetected" => Reason::SpamDetected,
        "RecipientServerError" | "InternalFailure" => Reason::SystemError,
        "IPFailure" => Reason::Blocked,
        "TransientCommunicationFailure" | "BYOIPHostNameLookupUnavailable" => Reason::NetworkError,
        "SendingDeferral" => Reason::Speeding,
        _ => return None,
    })
}

fn failed_recipients(
    ctx: &Context<'_>,
    section: &Value,
    list: &str,
    permanent: bool,
    delayed: bool,
    fallback: Option<Reason>,
) -> Result<Vec<EspEvent>, WebhookError> {
    let entries = fields::list(section, list);
    if entries.is_empty() {
        return Err(WebhookError::payload(SES, format!("no `{list}`")));
    }
    entries
        .iter()
        .map(|entry| {
            let recipient = address(entry, list)?;
            let diagnostic = fields::text(entry, "diagnosticCode");
            let verdict = judge(&BounceReport {
                recipient: &recipient,
                permanent,
                delayed,
                status: fields::text(entry, "status"),
                diagnostic,
                remote_mta: None,
                fallback,
            });
            let mut event = ctx.event(verdict.kind, &recipient, Some(section), None);
            event.status = verdict.status;
            event.reply_code = verdict.reply_code;
            event.diagnostic = diagnostic.map(str::to_string);
            event.reason = Some(verdict.reason);
            Ok(event)
        })
        .collect()
}

fn bounces(ctx: &Context<'_>) -> Result<Vec<EspEvent>, WebhookError> {
    let bounce = ctx.section("bounce")?;
    let permanent = fields::text(bounce, "bounceType") == Some("Permanent");
    let fallback = bounce_subtype_reason(fields::text(bounce, "bounceSubType"));
    failed_recipients(ctx, bounce, "bouncedRecipients", permanent, false, fallback)
}

fn delays(ctx: &Context<'_>) -> Result<Vec<EspEvent>, WebhookError> {
    let delay = ctx.section("deliveryDelay")?;
    let fallback = delay_type_reason(fields::text(delay, "delayType"));
    failed_recipients(ctx, delay, "delayedRecipients", false, true, fallback)
}

fn complaints(ctx: &Context<'_>) -> Result<Vec<EspEvent>, WebhookError> {
    let complaint = ctx.section("complaint")?;
    let entries = fields::list(complaint, "complainedRecipients");
    if entries.is_empty() {
        return Err(WebhookError::payload(SES, "no `complainedRecipients`"));
    }
    let feedback_type = fields::text(complaint, "complaintFeedbackType");
    entries
        .iter()
        .map(|entry| {
            let recipient = address(entry, "complainedRecipients")?;
            let mut event = ctx.event(EventKind::Complaint, &recipient, Some(complaint), None);
            event.diagnostic = feedback_type.map(str::to_string);
            Ok(event)
        })
        .collect()
}

fn deliveries(ctx: &Context<'_>) -> Result<Vec<EspEvent>, WebhookError> {
    let delivery = ctx.section("delivery")?;
    let recipients: Vec<&str> = fields::list(delivery, "recipients")
        .iter()
        .filter_map(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .collect();
    if recipients.is_empty() {
        return Err(WebhookError::payload(SES, "no `delivery.recipients`"));
    }
    let response = fields::text(delivery, "smtpResponse");
    Ok(recipients
        .into_iter()
        .map(|recipient| {
            let mut event = ctx.event(EventKind::Delivered, recipient, Some(delivery), None);
            event.diagnostic = response.map(str::to_string);
            event.reply_code = response.and_then(veto_bounce::smtp::find_reply_code);
            event.status = response.and_then(veto_bounce::smtp::find_status);
            event
        })
        .collect())
}

/// List-management subscription changes: unsubscribing from everything is an unsubscribe,
/// newly opting out of a topic is a group unsubscribe for that topic.
fn subscriptions(ctx: &Context<'_>) -> Result<Vec<EspEvent>, WebhookError> {
    let subscription = ctx.section("subscription")?;
    let new = subscription.get("newTopicPreferences");
    let old = subscription.get("oldTopicPreferences");
    let unsubscribe_all = new
        .and_then(|p| fields::flag(p, "unsubscribeAll"))
        .unwrap_or(false);
    let opted_out = |prefs: Option<&Value>| -> Vec<String> {
        prefs
            .map(|p| fields::list(p, "topicSubscriptionStatus"))
            .unwrap_or_default()
            .iter()
            .filter(|t| fields::text(t, "subscriptionStatus") == Some("OptOut"))
            .filter_map(|t| fields::text(t, "topicName").map(str::to_string))
            .collect()
    };
    let before = opted_out(old);
    let newly_out: Vec<String> = opted_out(new)
        .into_iter()
        .filter(|t| !before.contains(t))
        .collect();
    let mut events = Vec::new();
    for recipient in ctx.destinations() {
        if unsubscribe_all {
            events.push(ctx.event(EventKind::Unsubscribe, recipient, Some(subscription), None));
        } else if newly_out.is_empty() {
            events.push(ctx.event(
                EventKind::other("subscription"),
                recipient,
                Some(subscription),
                None,
            ));
        } else {
            for topic in &newly_out {
                let mut event = ctx.event(
                    EventKind::GroupUnsubscribe,
                    recipient,
                    Some(subscription),
                    Some(topic),
                );
                event.group = Some(topic.clone());
                events.push(event);
            }
        }
    }
    if events.is_empty() {
        return Err(WebhookError::payload(SES, "no `mail.destination`"));
    }
    Ok(events)
}

/// Sends, rejects, opens, clicks, rendering failures …: one `Other` event per destination.
fn others(ctx: &Context<'_>, kind: &str) -> Result<Vec<EspEvent>, WebhookError> {
    let name: String = kind
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let section_key = match kind {
        "Rendering Failure" => "failure".to_string(),
        other => {
            let mut chars = other.chars();
            chars
                .next()
                .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
                .unwrap_or_default()
        }
    };
    let section = ctx
        .value
        .get(section_key.as_str())
        .filter(|v| v.is_object());
    let events: Vec<EspEvent> = ctx
        .destinations()
        .into_iter()
        .map(|recipient| ctx.event(EventKind::Other(name.clone()), recipient, section, None))
        .collect();
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_messages_are_not_ses_events() {
        let r = parse_notification(
            "m",
            "Successfully validated SNS topic for Amazon SES event publishing.",
        );
        assert_eq!(r, Ok(None));
        assert_eq!(parse_notification("m", r#"{"hello":1}"#), Ok(None));
    }

    #[test]
    fn broken_bounces_are_errors() {
        let r = parse_notification("m", r#"{"notificationType":"Bounce"}"#);
        assert!(matches!(r, Err(WebhookError::MalformedPayload { .. })));
        let r = parse_notification(
            "m",
            r#"{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bouncedRecipients":[{"status":"5.1.1"}]}}"#,
        );
        assert!(matches!(r, Err(WebhookError::MalformedPayload { .. })));
    }

    #[test]
    fn one_event_per_bounced_recipient() {
        let json = r#"{"notificationType":"Bounce","bounce":{"bounceType":"Permanent",
            "bounceSubType":"General","timestamp":"2016-01-27T14:59:38.237Z",
            "bouncedRecipients":[
              {"emailAddress":"Jane@Example.com","status":"5.1.1","action":"failed",
               "diagnosticCode":"smtp; 550 5.1.1 <jane@example.com>... User unknown"},
              {"emailAddress":"full@example.com","status":"5.2.2","action":"failed",
               "diagnosticCode":"smtp; 552 5.2.2 Mailbox full"}]},
            "mail":{"messageId":"0000-ses-id","destination":["Jane@Example.com","full@example.com"]}}"#;
        let events = parse_notification("sns-1", json).unwrap().unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].event_id, "sns-1:jane@example.com");
        assert_eq!(events[0].recipient, "Jane@Example.com");
        assert_eq!(events[0].kind, EventKind::HardBounce);
        assert_eq!(events[0].reason, Some(Reason::UserUnknown));
        assert_eq!(events[0].message_id.as_deref(), Some("0000-ses-id"));
        assert_eq!(events[1].kind, EventKind::SoftBounce);
        assert_eq!(events[1].reason, Some(Reason::MailboxFull));
    }
}
