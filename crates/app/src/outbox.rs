//! Outgoing mail: `enqueue_mail` inside the transaction of the state change it reports, and the
//! `send_mail` job that delivers one outbox row over SMTP (lettre), UTF-8 with MIME encoding.
//!
//! Without SMTP settings (the demo) mail stays in the outbox, where the office reads it on the 送信メール screen.

use std::time::{Duration, UNIX_EPOCH};

use lettre::message::{Mailbox, Message, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use nintei_store::Tx;
use nintei_store::mail::{self, NewMail, OutboxMail, Outcome};

use crate::error::AppError;
use crate::state::AppState;

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain SMTP (a relay on the same host or a test sink).
    None,
    /// Plain connection upgraded with STARTTLS, which is required (submission, port 587).
    StartTls,
    /// TLS from the first byte (SMTPS, port 465).
    Tls,
}

impl TlsMode {
    pub fn parse(s: &str) -> Option<TlsMode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" | "plain" => Some(TlsMode::None),
            "starttls" => Some(TlsMode::StartTls),
            "tls" | "smtps" => Some(TlsMode::Tls),
            _ => None,
        }
    }

    /// The usual port of the mode.
    pub fn default_port(self) -> u16 {
        match self {
            TlsMode::None => 25,
            TlsMode::StartTls => 587,
            TlsMode::Tls => 465,
        }
    }
}

/// Where and how mail is sent.
#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    /// User name and password, when the server wants them.
    pub credentials: Option<(String, String)>,
    /// The From address, e.g. `認定業務本部 <nintei@example.jp>`.
    pub from: Mailbox,
    /// Give up a connection or a reply after this long (well within the job lease).
    pub timeout: Duration,
}

impl std::fmt::Debug for SmtpConfig {
    // The password never reaches a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.credentials.as_ref().map(|(u, _)| u))
            .field("from", &self.from.to_string())
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl SmtpConfig {
    /// Settings from their text forms (CLI flags, environment); the error names what is wrong.
    pub fn new(
        host: &str,
        port: Option<u16>,
        tls: &str,
        user: Option<&str>,
        password: Option<&str>,
        from: &str,
    ) -> Result<SmtpConfig, String> {
        let host = host.trim();
        if host.is_empty() {
            return Err("the SMTP host is empty".into());
        }
        let tls =
            TlsMode::parse(tls).ok_or_else(|| format!("SMTP TLS mode {tls:?}: use none, starttls or tls"))?;
        let from: Mailbox = from
            .trim()
            .parse()
            .map_err(|e| format!("the From address {from:?} is not valid: {e}"))?;
        let credentials = match (user, password) {
            (Some(u), Some(p)) if !u.is_empty() => Some((u.to_owned(), p.to_owned())),
            (Some(u), None) if !u.is_empty() => {
                return Err("an SMTP user was given without a password (NINTEI_SMTP_PASSWORD)".into());
            }
            _ => None,
        };
        Ok(SmtpConfig {
            host: host.to_owned(),
            port: port.unwrap_or(tls.default_port()),
            tls,
            credentials,
            from,
            timeout: Duration::from_secs(30),
        })
    }
}

/// Writes a mail into the outbox inside `tx` (the transaction of the state change it reports) and enqueues the
/// job that sends it. `to` must be a plain address; line breaks in the subject become spaces.
pub async fn enqueue_mail(
    tx: &mut Tx,
    now: i64,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<String, AppError> {
    let to = to.trim();
    if to.parse::<Address>().is_err() {
        return Err(AppError::field("to", format!("not a mail address: {to}")));
    }
    let subject: String = subject
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mail = NewMail {
        to,
        subject: subject.trim(),
        body,
    };
    Ok(mail::enqueue(tx, &mail, now).await?)
}

/// Queues a step's notice to an organization's contact inside the step's transaction: addressed to the
/// organization and its contact by name, `lead` as the message, and where to read more (`path` on this site). A
/// contact address the mailer refuses is logged and skipped: the step itself stands.
pub async fn notify_contact(
    tx: &mut Tx,
    state: &crate::state::AppState,
    organization_id: &str,
    subject: &str,
    lead: &str,
    path: &str,
) -> Result<(), AppError> {
    let Some(org) = nintei_store::organizations::by_id(&mut **tx, organization_id).await? else {
        return Ok(());
    };
    if org.contact.email.trim().is_empty() {
        return Ok(());
    }
    let body = format!(
        "{} {}様\n\n{lead}\n\nこのメールは nintei（認定・登録システム）から自動で送信しています。\n\
         詳しくはログインしてご確認ください：{}\n\n\
         This is an automatic notice from nintei about the step above; sign in to read the details.\n",
        org.name,
        org.contact.name,
        state.config.url(path)
    );
    match enqueue_mail(tx, state.clock.unix(), &org.contact.email, subject, &body).await {
        Ok(_) => Ok(()),
        Err(AppError::Validation(e)) => {
            tracing::warn!(
                organization = organization_id,
                ?e,
                "notice not queued: contact address"
            );
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// Sends one outbox row unless it went out already (the `SendMail` job). An error makes the job table retry it
/// with backoff; with `last_try` the mail is marked `failed`.
pub async fn send(state: &AppState, outbox_id: &str, last_try: bool) -> anyhow::Result<()> {
    let Some(mail) = mail::by_id(state.db.pool(), outbox_id).await? else {
        anyhow::bail!("outbox row {outbox_id} does not exist");
    };
    if mail.status != mail::MailStatus::Queued {
        return Ok(());
    }
    let Some(smtp) = &state.config.smtp else {
        tracing::info!(mail = %mail.id, "no SMTP server configured: the mail stays in the outbox");
        return Ok(());
    };
    let started = state.clock.unix();
    let result = deliver(smtp, &mail).await;
    let finished = state.clock.unix();
    match result {
        Ok(answer) => {
            mail::record_attempt(&state.db, &mail.id, started, finished, &Outcome::Sent(answer)).await?;
            tracing::info!(mail = %mail.id, "mail sent");
            Ok(())
        }
        Err(error) => {
            let outcome = Outcome::Error {
                error: error.clone(),
                give_up: last_try,
            };
            mail::record_attempt(&state.db, &mail.id, started, finished, &outcome).await?;
            anyhow::bail!("sending mail {} failed: {error}", mail.id)
        }
    }
}

/// The MIME message of an outbox row: MIME 1.0, UTF-8 text (transfer-encoded as lettre sees fit), the subject RFC 2047-encoded by lettre, the row's Message-ID,
/// and the row's creation time as Date (the time of the state change, also on a retry).
pub fn build_message(from: &Mailbox, mail: &OutboxMail) -> Result<Message, String> {
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|e| format!("recipient {}: {e}", mail.to))?;
    let created = UNIX_EPOCH + Duration::from_secs(u64::try_from(mail.created_at).unwrap_or_default());
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .message_id(Some(mail.message_id.clone()))
        .date(created)
        .singlepart(SinglePart::plain(normalize_newlines(&mail.body)))
        .map_err(|e| format!("building the message: {e}"))
}

/// CRLF line ends, as SMTP wants them.
fn normalize_newlines(body: &str) -> String {
    body.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', "\r\n")
}

async fn deliver(smtp: &SmtpConfig, mail: &OutboxMail) -> Result<String, String> {
    let message = build_message(&smtp.from, mail)?;
    let transport = transport(smtp)?;
    match transport.send(message).await {
        Ok(response) => {
            let text: Vec<&str> = response.message().collect();
            Ok(format!("{} {}", response.code(), text.join(" ")))
        }
        Err(e) => Err(error_text(&e)),
    }
}

fn transport(smtp: &SmtpConfig) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let tls_params = || TlsParameters::new(smtp.host.clone()).map_err(|e| format!("TLS settings: {e}"));
    let tls = match smtp.tls {
        TlsMode::None => Tls::None,
        TlsMode::StartTls => Tls::Required(tls_params()?),
        TlsMode::Tls => Tls::Wrapper(tls_params()?),
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.clone())
        .port(smtp.port)
        .tls(tls)
        .timeout(Some(smtp.timeout));
    if let Some((user, password)) = &smtp.credentials {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    Ok(builder.build())
}

/// The error with its causes, e.g. "Connection error: Connection refused (os error 111)".
fn error_text(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// An outbox row for the staff screen, or NotFound.
pub async fn outbox_mail(state: &AppState, id: &str) -> Result<OutboxMail, AppError> {
    mail::by_id(state.db.pool(), id).await?.ok_or(AppError::NotFound)
}

/// One mail of the outbox with its delivery attempts, for those who read the sent mail; 404 when there is none.
pub async fn mail_with_attempts(
    state: &AppState,
    caller: &crate::caller::Caller,
    id: &str,
) -> Result<(OutboxMail, Vec<mail::Attempt>), AppError> {
    AppError::check(nintei_domain::authz::global(
        &caller.actor(),
        nintei_domain::authz::GlobalAction::ViewMail,
    ))?;
    let m = outbox_mail(state, id).await?;
    let attempts = mail::attempts(state.db.pool(), &m.id).await?;
    Ok((m, attempts))
}

/// A page of the outbox for those who read the sent mail (searched, filtered by status, sorted).
pub async fn page(
    state: &crate::state::AppState,
    caller: &crate::caller::Caller,
    filter: &nintei_store::listing::Filter<'_>,
) -> Result<(Vec<nintei_store::mail::OutboxMail>, i64), AppError> {
    AppError::check(nintei_domain::authz::global(
        &caller.actor(),
        nintei_domain::authz::GlobalAction::ViewMail,
    ))?;
    Ok(nintei_store::mail::page(state.db.pool(), filter).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_settings_take_defaults_by_tls_mode_and_hide_the_password() {
        let c = SmtpConfig::new(
            "smtp.example.jp",
            None,
            "tls",
            Some("nintei"),
            Some("s3cret-pass"),
            "認定業務本部 <nintei@example.jp>",
        )
        .unwrap();
        assert_eq!(c.port, 465);
        assert_eq!(c.tls, TlsMode::Tls);
        assert!(!format!("{c:?}").contains("s3cret-pass"));
        let c = SmtpConfig::new("h", None, "STARTTLS", None, None, "a@example.jp").unwrap();
        assert_eq!((c.port, c.tls, c.credentials), (587, TlsMode::StartTls, None));
        let c = SmtpConfig::new("h", Some(2525), "none", None, None, "a@example.jp").unwrap();
        assert_eq!((c.port, c.tls), (2525, TlsMode::None));
    }

    #[test]
    fn bad_smtp_settings_are_named() {
        assert!(SmtpConfig::new("h", None, "ssl3", None, None, "a@example.jp").is_err());
        assert!(SmtpConfig::new("h", None, "tls", None, None, "not an address").is_err());
        assert!(SmtpConfig::new("", None, "tls", None, None, "a@example.jp").is_err());
        assert!(SmtpConfig::new("h", None, "tls", Some("u"), None, "a@example.jp").is_err());
    }

    #[test]
    fn bodies_get_crlf_line_ends() {
        assert_eq!(normalize_newlines("a\nb\r\nc\rd"), "a\r\nb\r\nc\r\nd");
    }
}
