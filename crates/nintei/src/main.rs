//! The `nintei` binary: `serve`, `migrate`, `demo`, `user add`, `standards import`, `audit verify`, `backup`.

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use nintei_app::account::{NewAccount, create_account};
use nintei_app::clock::SystemClock;
use nintei_app::{AppState, Config};
use nintei_store::{Backend, ChainReport, DEFAULT_SQLITE_PATH, Db};

#[derive(Parser)]
#[command(
    name = "nintei",
    version,
    about = "Registration and accreditation of mental-health service providers"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DbArgs {
    /// Database URL: `sqlite://PATH` (default: an SQLite file in ./nintei-data) or `postgres://…`.
    #[arg(long, env = "DATABASE_URL", global = true)]
    database: Option<String>,
}

impl DbArgs {
    fn url(&self) -> String {
        self.database
            .clone()
            .unwrap_or_else(|| format!("sqlite://{DEFAULT_SQLITE_PATH}"))
    }
}

/// Outgoing mail. Without `--smtp-host`, mail is kept in the outbox and shown on the 送信メール screen.
#[derive(Args, Clone)]
struct SmtpArgs {
    /// SMTP server for outgoing mail.
    #[arg(long, env = "NINTEI_SMTP_HOST")]
    smtp_host: Option<String>,
    /// SMTP port (default by TLS mode: none 25, starttls 587, tls 465).
    #[arg(long, env = "NINTEI_SMTP_PORT")]
    smtp_port: Option<u16>,
    /// Connection security: none, starttls (required STARTTLS) or tls (TLS from the start).
    #[arg(long, env = "NINTEI_SMTP_TLS", default_value = "starttls")]
    smtp_tls: String,
    /// SMTP user name; the password is read from NINTEI_SMTP_PASSWORD (never a command-line argument).
    #[arg(long, env = "NINTEI_SMTP_USER")]
    smtp_user: Option<String>,
    /// The From address of outgoing mail, e.g. "認定業務本部 <nintei@example.jp>".
    #[arg(long, env = "NINTEI_MAIL_FROM")]
    mail_from: Option<String>,
}

impl SmtpArgs {
    fn config(&self) -> anyhow::Result<Option<nintei_app::outbox::SmtpConfig>> {
        let Some(host) = self.smtp_host.as_deref().filter(|h| !h.trim().is_empty()) else {
            return Ok(None);
        };
        let Some(from) = self.mail_from.as_deref() else {
            bail!("--smtp-host needs --mail-from (NINTEI_MAIL_FROM), the From address of outgoing mail");
        };
        let password = std::env::var("NINTEI_SMTP_PASSWORD").ok();
        nintei_app::outbox::SmtpConfig::new(
            host,
            self.smtp_port,
            &self.smtp_tls,
            self.smtp_user.as_deref(),
            password.as_deref(),
            from,
        )
        .map(Some)
        .map_err(anyhow::Error::msg)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server (migrates the database first).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Load the fictional demo data set and show the demo accounts on the login page.
        #[arg(long)]
        demo: bool,
        /// Mark cookies Secure (set this when nintei is served over HTTPS).
        #[arg(long, env = "NINTEI_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Log as JSON lines instead of text.
        #[arg(long)]
        log_json: bool,
        /// The public address of this server, for links in mail, calendar feeds and certificate QR codes
        /// (default: http://LISTEN).
        #[arg(long, env = "NINTEI_BASE_URL")]
        base_url: Option<String>,
        /// Where uploaded files are stored (default: a `files` folder next to the SQLite database, or
        /// ./nintei-data/files with PostgreSQL).
        #[arg(long, env = "NINTEI_FILES_DIR")]
        files_dir: Option<std::path::PathBuf>,
        /// Largest accepted upload in MiB.
        #[arg(long, env = "NINTEI_UPLOAD_LIMIT_MIB", default_value_t = 20)]
        upload_limit_mib: usize,
        /// Reverse proxies (addresses or CIDR ranges, comma-separated) whose Forwarded/X-Forwarded-For header
        /// names the client; none by default.
        #[arg(long, env = "NINTEI_TRUSTED_PROXIES", default_value = "")]
        trusted_proxies: String,
        #[command(flatten)]
        smtp: SmtpArgs,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Apply pending database migrations.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Load the fictional demo data set.
    Demo {
        /// Also generate N organizations, each with a registered counseling room and an accreditation case
        /// (about three in ten accredited), with the directory search index (benchmarks; once per database).
        #[arg(long)]
        scale: Option<u32>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The accreditation standards catalog (認定基準).
    Standards {
        #[command(subcommand)]
        command: StandardsCommand,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Write a consistent copy of the SQLite database (PostgreSQL: use pg_dump).
    Backup {
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        organization: Option<String>,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum StandardsCommand {
    /// Import a catalog from a CSV file (header `code,group,section,kind,fundamental,service,title`; see
    /// crates/domain/src/acc/standards.rs). A file with errors changes nothing and every error is printed with
    /// its line; a good file becomes the catalog in force (cases keep the version they started with).
    Import {
        file: PathBuf,
        /// Version label (default: today's date and the catalog's number, e.g. 2026-11-20-v2).
        #[arg(long = "label")]
        label: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain and name the first broken link.
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
}

/// Uploaded files live next to the SQLite database (`<data>/files`); with PostgreSQL in ./nintei-data/files.
fn files_dir_for(url: &str) -> std::path::PathBuf {
    let rest = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    if url.starts_with("sqlite:") {
        let path = std::path::Path::new(rest.split('?').next().unwrap_or_default());
        if let Some(parent) = path.parent() {
            return parent.join("files");
        }
    }
    std::path::PathBuf::from(nintei_app::state::DEFAULT_FILES_DIR)
}

fn state(db: Db, config: Config) -> AppState {
    AppState::new(db, Arc::new(SystemClock), config)
}

/// jemalloc: glibc's malloc locks another thread's arena when a request's memory is freed on another worker
/// thread, and those lock wake-ups were the server's largest cost under load (docs/decisions.md, "The allocator").
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(run(cli))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve {
            listen,
            demo,
            secure_cookies,
            log_json,
            base_url,
            files_dir,
            upload_limit_mib,
            trusted_proxies,
            smtp,
            db,
        } => {
            init_logs(log_json);
            let files_dir = files_dir.unwrap_or_else(|| files_dir_for(&db.url()));
            let config = Config {
                secure_cookies,
                demo,
                smtp: smtp.config()?,
                base_url: base_url
                    .unwrap_or_else(|| format!("http://{listen}"))
                    .trim_end_matches('/')
                    .to_owned(),
                files_dir,
                upload_limit: upload_limit_mib.clamp(1, 1024) * 1024 * 1024,
                trusted_proxies: nintei_web::proxy::TrustedProxies::parse(&trusted_proxies)
                    .map_err(|e| anyhow::anyhow!("--trusted-proxies: {e}"))?,
                ..Config::default()
            };
            serve(listen, config, &db.url()).await
        }
        Command::Migrate { db } => {
            let database = Db::connect(&db.url()).await?;
            let applied = database.migrate().await?;
            if applied.is_empty() {
                println!("the database is up to date");
            }
            for m in applied {
                println!("applied {m}");
            }
            let st = state(database, Config::default());
            nintei_app::acc::ensure_catalog(&st).await?;
            nintei_app::directory::ensure_search_index(&st).await?;
            Ok(())
        }
        Command::Standards {
            command: StandardsCommand::Import { file, label, db },
        } => {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let st = state(Db::open(&db.url()).await?, Config::default());
            let source = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "file".into());
            match nintei_app::acc::import_standards(&st, &bytes, label.as_deref(), &source).await {
                Ok(done) => {
                    println!(
                        "imported {} standards as catalog version {}{}; it is now the catalog in force",
                        done.standards,
                        done.version,
                        if done.sample { " (marked as a sample)" } else { "" }
                    );
                    Ok(())
                }
                Err(nintei_app::acc::ImportFailure::Invalid(errors)) => {
                    for e in &errors {
                        eprintln!("{}:{}: {}", file.display(), e.line, e.message);
                    }
                    bail!("{} error(s); nothing was imported", errors.len())
                }
                Err(nintei_app::acc::ImportFailure::Label(m)) => bail!("{m}; nothing was imported"),
                Err(nintei_app::acc::ImportFailure::App(e)) => {
                    bail!("nothing was imported: {}", e.detail())
                }
            }
        }
        Command::Demo { scale, db } => {
            let st = state(Db::open(&db.url()).await?, Config::default());
            nintei_app::acc::ensure_catalog(&st).await?;
            nintei_app::directory::ensure_search_index(&st).await?;
            let loaded = nintei_app::demo::load(&st).await?;
            println!(
                "{}",
                if loaded {
                    "demo data loaded"
                } else {
                    "demo data was already there"
                }
            );
            if let Some(n) = scale {
                generate(&st, n).await?;
            }
            print_demo_accounts();
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    role,
                    organization,
                    password_stdin: _,
                    db,
                },
        } => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            let st = state(Db::open(&db.url()).await?, Config::default());
            let account = NewAccount {
                email: &email,
                name: &name,
                role: &role,
                organization_id: organization.as_deref(),
                password,
            };
            match create_account(&st, None, &account).await {
                Ok(id) => {
                    println!("{id}");
                    Ok(())
                }
                Err(nintei_app::AppError::Validation(errors)) => {
                    for e in errors {
                        eprintln!("{}: {}", e.field, e.message);
                    }
                    bail!("the user was not created")
                }
                Err(e) => bail!("the user was not created: {}", e.detail()),
            }
        }
        Command::Audit {
            command: AuditCommand::Verify { db },
        } => {
            let database = Db::open(&db.url()).await?;
            match nintei_store::audit::verify(&database).await? {
                ChainReport::Intact { events } => {
                    println!("audit chain intact: {events} events verified");
                    Ok(())
                }
                ChainReport::Broken { seq, reason } => bail!("audit chain broken at event {seq}: {reason}"),
            }
        }
        Command::Backup { out, db } => {
            let database = Db::open(&db.url()).await?;
            if database.backend() == Backend::Postgres {
                bail!("for PostgreSQL use pg_dump, e.g. `pg_dump -Fc -f nintei.dump \"$DATABASE_URL\"`");
            }
            database.backup_sqlite(&out).await?;
            println!("backup written to {}", out.display());
            Ok(())
        }
    }
}

fn init_logs(json: bool) {
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let builder = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_target(false)
        .with_ansi(ansi);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// `demo --scale N`: generated organizations, listings and cases, with a progress bar on standard error.
async fn generate(st: &AppState, n: u32) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let mut progress = |done: u64, total: u64| {
        let width = 30u64;
        let filled = (done * width).checked_div(total).unwrap_or(width);
        let bar: String = (0..width).map(|i| if i < filled { '#' } else { '.' }).collect();
        eprint!(
            "\rgenerating [{bar}] {done}/{total} organizations, {:.1} s",
            started.elapsed().as_secs_f64()
        );
        if done >= total {
            eprintln!();
        }
    };
    match nintei_app::demo_scale::generate(st, n, &mut progress).await? {
        None => println!("generated data is there already (nothing added)"),
        Some(g) => println!(
            "generated {} organizations, {} registrations, {} accreditation cases, {} accreditations in {:.1} s",
            g.organizations,
            g.registrations,
            g.cases,
            g.accreditations,
            started.elapsed().as_secs_f64()
        ),
    }
    Ok(())
}

fn print_demo_accounts() {
    println!(
        "demo accounts (password for all: {}):",
        nintei_app::demo::DEMO_PASSWORD
    );
    for line in nintei_app::demo::account_lines() {
        println!("  {line}");
    }
}

async fn serve(listen: SocketAddr, config: Config, url: &str) -> anyhow::Result<()> {
    let db = Db::open(url)
        .await
        .with_context(|| format!("opening the database {url}"))?;
    let demo = config.demo;
    let st = state(db, config);
    // ACC: the sample standards catalog on first start.
    nintei_app::acc::ensure_catalog(&st).await?;
    // The directory's search index in the current layout (a one-time rebuild after an upgrade).
    nintei_app::directory::ensure_search_index(&st).await?;
    if demo {
        nintei_app::demo::load(&st).await?;
    }
    // Without the Japanese fonts everything but the PDF documents works: say so at once rather than at the first
    // certificate.
    if let Err(e) = nintei_app::health::fonts().await {
        tracing::warn!(error = %e, "PDF documents are unavailable");
        eprintln!("warning: PDF documents (certificates, notices, invoices) are unavailable: {e}");
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("binding {listen}"))?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let worker_id = format!("{}-{}", std::process::id(), listen);
    let worker = tokio::spawn(nintei_app::jobs::worker_loop(
        st.clone(),
        worker_id,
        stop_rx.clone(),
    ));
    let counts = tokio::spawn(nintei_app::directory::flush_verifications_loop(
        st.clone(),
        stop_rx,
    ));
    let app = nintei_web::router(st.clone()).into_make_service_with_connect_info::<SocketAddr>();
    println!("nintei is running: open http://{listen}/");
    match &st.config.smtp {
        Some(smtp) => println!(
            "mail is sent through {}:{} ({:?})",
            smtp.host, smtp.port, smtp.tls
        ),
        None => println!("no SMTP server configured (--smtp-host): mail is kept on the 送信メール screen"),
    }
    if demo {
        print_demo_accounts();
        println!("  (the administrator's 6-digit code is shown on the demo sign-in page)");
    }
    tracing::info!(%listen, database = if url.starts_with("postgres") { "postgres" } else { "sqlite" }, "listening");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    let _ = stop_tx.send(true);
    let _ = worker.await;
    let _ = counts.await;
    st.db.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
