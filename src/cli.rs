//! Command-line definitions.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "xray-setup",
    version,
    about = "Audit and fix AWS X-Ray tracing for Lambda and API Gateway, in Terraform and in AWS accounts",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit Terraform trees, or an AWS account with --account, for X-Ray tracing: Lambda modes, API stages, roles, sampling rules.
    Audit(AuditArgs),
    /// Estimate the monthly X-Ray bill from the sampling rules found and your traffic.
    #[command(long_about = COST_ABOUT)]
    Cost(CostArgs),
    /// Fix what the audit finds, in the Terraform files themselves (a dry run unless --write).
    Fix(FixArgs),
    /// Write Terraform with tracing set up right: a function, a stage, IAM, a sampling rule.
    Generate(GenerateArgs),
    /// Turn Active tracing on across an account: grants, functions, stages (a plan unless --apply).
    #[command(long_about = ENABLE_ABOUT)]
    Enable(EnableArgs),
    /// Compare what Terraform declares with what an account runs, both ways: modes, stages, roles, sampling rules.
    #[command(long_about = DRIFT_ABOUT)]
    Drift(DriftArgs),
    /// Evaluate expressions as Terraform would, in DIR's root module (one per line of standard input).
    #[command(long_about = CONSOLE_ABOUT)]
    Console(ConsoleArgs),
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write man pages (xray-setup.1 and one per subcommand) into DIR.
    Man {
        #[arg(value_name = "DIR", default_value = ".")]
        dir: PathBuf,
    },
    /// List the rules, or print one rule's documentation.
    Rules {
        /// A rule code (XR001) or name (lambda-tracing-not-active).
        rule: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Directories (or files) to audit; every directory below is a module.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub report: ReportArgs,

    #[command(flatten)]
    pub variables: VariableArgs,

    /// Traffic XR202 prices a trace-everything sampling rule at.
    #[arg(long, value_name = "N", default_value_t = 100.0)]
    pub requests_per_second: f64,

    /// The config file for every PATH (default: the nearest .xray-setup.toml in each PATH
    /// or a directory above it).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Also list the findings suppressions hid, and by what.
    #[arg(long)]
    pub show_suppressed: bool,

    /// Report only findings not recorded in this baseline (see --write-baseline).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record the current findings in FILE, to adopt the audit without fixing them first.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Audit the live AWS account (read-only) instead of Terraform files.
    #[arg(long, help_heading = "Account")]
    pub account: bool,

    /// Audit a plan: the JSON `terraform show -json PLANFILE` prints (UTF-8 or UTF-16
    /// with a BOM; the setup-terraform wrapper's lines around it are skipped). Values are
    /// the plan's; findings name addresses. With PATH, the configuration the plan was made
    /// from, findings point at its files and lines and inline suppressions apply.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["account", "state"],
        help_heading = "Plans and states"
    )]
    pub plan: Option<PathBuf>,

    /// Audit a state: a terraform.tfstate (version 4) or the JSON `terraform show -json`
    /// prints. With PATH, findings point at the configuration's files as with --plan.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "account",
        help_heading = "Plans and states"
    )]
    pub state: Option<PathBuf>,

    /// Whether PATHs were given on the command line (rather than the default `.`).
    #[arg(skip)]
    pub paths_given: bool,

    #[command(flatten)]
    pub aws: AccountArgs,
}

/// How a report is written, and when it fails the run.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit with status 1 when a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,

    /// When to colour text output (NO_COLOR in the environment means never).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

/// Root variables and the workspace, as on Terraform's command line.
#[derive(Debug, Args)]
pub struct VariableArgs {
    /// Set a root variable, as `terraform plan -var` does (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,

    /// Load root variables from a .tfvars or .tfvars.json file (repeatable; later wins).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,

    /// The workspace `terraform.workspace` names (default: TF_WORKSPACE, else the one
    /// `terraform workspace select` recorded in the root's .terraform/environment, else
    /// "default").
    #[arg(long, value_name = "NAME")]
    pub workspace: Option<String>,
}

/// How to reach an account and which functions to read.
#[derive(Debug, Clone, Args)]
pub struct AccountArgs {
    /// The AWS profile to use (default: the usual chain: environment, AWS_PROFILE, SSO, ...).
    #[arg(long, help_heading = "Account")]
    pub profile: Option<String>,

    /// A region to read (repeatable; default: the configured region).
    #[arg(long = "region", value_name = "REGION", help_heading = "Account")]
    pub regions: Vec<String>,

    /// Regions to read, comma-separated, or `all`: those each account has enabled
    /// (account:ListRegions). Adds to --region.
    #[arg(
        long = "regions",
        value_name = "REGION,...|all",
        value_delimiter = ',',
        help_heading = "Account"
    )]
    pub region_list: Vec<String>,

    /// Every ACTIVE account of the Organization (organizations:ListAccounts, from the
    /// management account or a delegated administrator), each reached through --role-name;
    /// the caller's own account is read as itself.
    #[arg(long, conflicts_with = "accounts", help_heading = "Organization")]
    pub org: bool,

    /// With --org: only the accounts under this OU or root, at any depth (repeatable).
    #[arg(
        long = "ou",
        value_name = "ID",
        requires = "org",
        help_heading = "Organization"
    )]
    pub ous: Vec<String>,

    /// Leave this account out (repeatable).
    #[arg(
        long = "exclude-account",
        value_name = "ID",
        help_heading = "Organization"
    )]
    pub exclude_accounts: Vec<String>,

    /// These accounts, comma-separated, each reached through --role-name.
    #[arg(
        long,
        value_name = "ID,...",
        value_delimiter = ',',
        help_heading = "Organization"
    )]
    pub accounts: Vec<String>,

    /// The role to assume in each account (a name, with its path if it has one).
    #[arg(
        long,
        value_name = "NAME",
        default_value = "OrganizationAccountAccessRole",
        help_heading = "Organization"
    )]
    pub role_name: String,

    /// The external ID the roles' trust policies ask for.
    #[arg(long, value_name = "ID", help_heading = "Organization")]
    pub external_id: Option<String>,

    /// Accounts read at once (each region of each with up to --concurrency calls in flight).
    #[arg(long, default_value_t = 4, help_heading = "Organization")]
    pub account_concurrency: usize,

    /// Only functions with this tag (repeatable: all must match).
    #[arg(long = "tag", value_name = "KEY=VALUE", help_heading = "Account")]
    pub tags: Vec<String>,

    /// AWS calls in flight at once in each region of an account (the regions are read side by side).
    #[arg(long, default_value_t = 8, help_heading = "Account")]
    pub concurrency: usize,

    /// How to read IAM: auto picks whichever costs fewer calls.
    #[arg(long, value_enum, default_value_t = IamStrategyArg::Auto, help_heading = "Account")]
    pub iam_strategy: IamStrategyArg,
}

const ENABLE_ABOUT: &str = "Turn Active tracing on across an account, in order: roles that cannot write traces get \
arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess (once each), then each function gets Active tracing \
(retried while IAM propagates, waited on until the update finishes), then REST stages get tracing \
(--stages).

Without --apply it prints the plan and changes nothing. With --apply each target is read again just \
before it changes (one changed by someone since the plan is left alone), and every change is written \
to a journal (in $XDG_STATE_HOME/xray-setup, ~/.local/state/xray-setup, or the platform's equivalent) \
before and after it is made, with the account it was made in; `--undo JOURNAL` puts back what a \
journal recorded, and only with credentials for that account. --emit cli prints the same changes as \
an AWS CLI script instead, which checks the account before changing anything.

With --org or --accounts, each account in turn (reached through --role-name), with its own plan, \
confirmation and journal; --undo JOURNAL --accounts ID reaches the journal's account the same way. \
Aliases that route to published versions without Active tracing are listed with the commands that \
publish a version and move them: enable changes $LATEST only and publishes nothing.";

#[derive(Debug, Args)]
pub struct EnableArgs {
    /// Functions whose name matches GLOB (`*`, `?`); a GLOB starting `arn:` matches ARNs (repeatable).
    #[arg(long = "function", value_name = "GLOB")]
    pub functions: Vec<String>,

    /// Every function in the regions (narrowed by --tag).
    #[arg(long)]
    pub all: bool,

    /// Also turn tracing on for every REST API stage in the regions.
    #[arg(long)]
    pub stages: bool,

    /// Attach no policies: report the functions whose roles cannot write traces instead.
    #[arg(long)]
    pub no_iam: bool,

    /// Make the changes (without it, print the plan and change nothing).
    #[arg(long, conflicts_with = "emit")]
    pub apply: bool,

    /// Do not ask for confirmation.
    #[arg(long, short)]
    pub yes: bool,

    /// Where the journal goes (default: $XDG_STATE_HOME/xray-setup/xray-setup-enable-TIMESTAMP.jsonl, else ~/.local/state/xray-setup/ on Linux, ~/Library/Application Support/xray-setup/ on macOS, %LOCALAPPDATA%\xray-setup\ on Windows). With --org or --accounts, a directory: one journal per account, named after it.
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,

    /// Put back what JOURNAL recorded: modes as they were, policies it attached detached; only with credentials for the account it was made in.
    #[arg(long, value_name = "JOURNAL", conflicts_with_all = ["functions", "all", "stages", "no_iam", "emit", "tags"])]
    pub undo: Option<PathBuf>,

    /// With --undo, for a journal written before journals recorded their account: the
    /// account it was made in. The credentials must reach it, and every ARN in the
    /// journal must name it.
    #[arg(long, value_name = "ACCOUNT_ID", requires = "undo")]
    pub journal_account: Option<String>,

    /// Print the changes as a shell script of AWS CLI commands instead of making them.
    #[arg(long, value_enum, value_name = "KIND")]
    pub emit: Option<Emit>,

    /// After --apply, say which of the changes the next `terraform apply` of PATH would
    /// undo (the code declares PassThrough, tracing off, or an exclusive list of policies),
    /// and the `drift --adopt` command that writes them into the code.
    #[arg(long, value_name = "PATH", requires = "apply")]
    pub terraform: Option<PathBuf>,

    #[command(flatten)]
    pub aws: AccountArgs,
}

const DRIFT_ABOUT: &str = "Compare what Terraform declares with what an AWS account runs, both ways, \
for every Lambda function, REST API stage, execution role (can it write traces) and X-Ray sampling \
rule, in the regions and through the filters given:
  XR301 tracing-drift: the two differ (the next terraform apply puts the code's value back);
  XR302 unmanaged-resource: live, declared by no tree given (and the Default sampling rule changed by hand);
  XR303 not-in-account: declared, not live;
  XR304 apply-reverts-tracing: tracing the account has that the next apply undoes.

Declared and live items are joined through Terraform's state when given (--state, or a plan's \
prior state), else by name after evaluation: function_name, a role's name, the REST API's name and \
stage_name, rule_name. A name only an apply can tell is an XR000 note that says to pass --state. \
The account is only read: --adopt edits the code to say what the account runs (a diff unless \
--write), --emit cli prints the AWS CLI script that puts the account back to the code.

Exit status: 0 no drift, 1 a finding at or above --fail-on, 2 the run failed, 3 part of the account \
could not be read.";

#[derive(Debug, Args)]
pub struct DriftArgs {
    /// The Terraform trees (directories or files) that declare what the account should run.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Terraform's state for the PATHs (terraform.tfstate, or `terraform show -json` of it):
    /// joins declared and live items by address and ARN instead of by name. Without PATH,
    /// what the state records is what is compared.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// Compare what a plan (`terraform show -json PLANFILE`) would leave, joined through
    /// its prior state; PATH, when given, is the configuration it was made from (findings
    /// then point at file and line).
    #[arg(long, value_name = "FILE", conflicts_with = "state")]
    pub plan: Option<PathBuf>,

    /// Whether PATHs were given on the command line (rather than the default `.`).
    #[arg(skip)]
    pub paths_given: bool,

    #[command(flatten)]
    pub report: ReportArgs,

    /// Make the code say what the account runs: the HCL edits, as a diff unless --write.
    #[arg(long, conflicts_with = "emit")]
    pub adopt: bool,

    /// With --adopt, write the edits.
    #[arg(long, requires = "adopt")]
    pub write: bool,

    /// Print the script that puts the account back to what the code says, instead of a report.
    #[arg(long, value_enum, value_name = "KIND")]
    pub emit: Option<Emit>,

    #[command(flatten)]
    pub variables: VariableArgs,

    /// The config file for every PATH (default: the nearest .xray-setup.toml in each PATH
    /// or a directory above it): suppressions and rules turned off apply to drift too.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(flatten)]
    pub aws: AccountArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Emit {
    /// A bash script of AWS CLI commands.
    Cli,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IamStrategyArg {
    Auto,
    PerRole,
    AuthorizationDetails,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    /// Directories (or files) to fix; nothing outside them is written.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// The config file for every PATH (default: the nearest .xray-setup.toml in each PATH or
    /// a directory above it): rules it turns off, findings it suppresses and files it
    /// excludes are not fixed.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Apply the fixes (without it, print the diff they would make).
    #[arg(long)]
    pub write: bool,

    /// Include fixes that need review: the value changed also feeds something else.
    #[arg(long = "unsafe")]
    pub unsafe_fixes: bool,

    /// Fix only findings of these rules (code or name; repeatable).
    #[arg(long = "rule", value_name = "RULE")]
    pub rules: Vec<String>,

    /// Skip findings of these rules (code or name; repeatable).
    #[arg(long = "skip", value_name = "RULE")]
    pub skip: Vec<String>,

    /// When to colour the diff (NO_COLOR in the environment means never).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    #[command(flatten)]
    pub variables: VariableArgs,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// What to generate.
    #[arg(value_enum)]
    pub kind: GenerateKind,

    /// Terraform name of the generated resources.
    #[arg(long, default_value = "app")]
    pub name: String,

    /// The Lambda function name (default: NAME with _ as -).
    #[arg(long)]
    pub function_name: Option<String>,

    #[arg(long, default_value = "python3.12")]
    pub runtime: String,

    #[arg(long, default_value = "app.handler")]
    pub handler: String,

    /// The deployment package.
    #[arg(long, default_value = "dist/app.zip")]
    pub filename: String,

    /// The REST API's name (default: FUNCTION_NAME-api).
    #[arg(long)]
    pub api_name: Option<String>,

    #[arg(long, default_value = "live")]
    pub stage_name: String,

    /// For `iam`: the role to put the policy on, as a reference (default aws_iam_role.NAME.id).
    #[arg(long)]
    pub role: Option<String>,

    /// The sampling rule's name, 1-32 characters (default: FUNCTION_NAME).
    #[arg(long)]
    pub rule_name: Option<String>,

    /// Sampling rule priority, 1-9999 (lower applies first).
    #[arg(long, default_value_t = 1000.0)]
    pub priority: f64,

    /// Share of matching requests traced beyond the reservoir, 0-1.
    #[arg(long, default_value_t = 0.05)]
    pub fixed_rate: f64,

    /// Requests traced each second before the fixed rate applies, an integer >= 0.
    #[arg(long, default_value_t = 1.0)]
    pub reservoir: f64,

    #[arg(long, default_value = "*")]
    pub service_name: String,

    #[arg(long, default_value = "*")]
    pub service_type: String,

    #[arg(long, default_value = "*")]
    pub host: String,

    #[arg(long, default_value = "*")]
    pub http_method: String,

    #[arg(long, default_value = "*")]
    pub url_path: String,

    #[arg(long, default_value = "*")]
    pub resource_arn: String,

    /// Write the files into DIR instead of printing them.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// With --out, replace files that exist.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GenerateKind {
    Lambda,
    RestStage,
    Iam,
    SamplingRule,
    All,
}

const COST_ABOUT: &str =
    "Estimate the monthly X-Ray bill from the sampling rules found under PATH and a \
description of your traffic.

The model, per second: rules apply in priority order (then by name), the first match \
deciding. Each rule first takes up to its reservoir (shared by the whole fleet, as \
centralized sampling shares it), then its fixed rate of the rest it matched. The Default \
rule (1 request a second and 5% of the rest) comes last and takes what is left. Traces a \
month are traces a second times the seconds of a 30-day month; the free tier (100,000 \
traces recorded, 1,000,000 retrieved or scanned) is subtracted, then $5.00 per million \
recorded and $0.50 per million retrieved or scanned apply (aws.amazon.com/xray/pricing). \
Traffic given per service (--traffic SERVICE=RPS) is matched against each rule's \
service_name; rules matching on paths, hosts, methods or attributes cannot be applied to \
such a description and are listed as left out. The estimate prints its assumptions.";

const CONSOLE_ABOUT: &str = "Evaluate expressions as Terraform would, in DIR's root module (an \
empty module when DIR holds no configuration), like `terraform console`: each line of \
standard input is one expression, each is answered on its own. With --format json, one line \
per expression: the value as JSON (null for null, \"(known after apply)\" for what only an \
apply can tell), or a line starting `error: ` where Terraform would refuse the expression. \
Use it to see why the audit reads a value the way it does.";

#[derive(Debug, Args)]
pub struct ConsoleArgs {
    /// The directory whose root module the expressions are evaluated in.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Output format: text (as terraform console shows values) or json (one line each).
    #[arg(long, value_enum, default_value_t = ConsoleFormat::Text)]
    pub format: ConsoleFormat,

    #[command(flatten)]
    pub variables: VariableArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConsoleFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CostArgs {
    /// Directories (or files) whose aws_xray_sampling_rule resources to price.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// The config file (default: the nearest .xray-setup.toml in each PATH or a directory
    /// above it): what its `exclude` leaves out is not read.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Requests a second across the fleet (default 100 when no traffic is given).
    #[arg(long, value_name = "N", conflicts_with = "requests_per_day")]
    pub requests_per_second: Option<f64>,

    /// Requests a day across the fleet.
    #[arg(long, value_name = "N")]
    pub requests_per_day: Option<f64>,

    /// Requests a second of one service, matched against rules' service_name
    /// (repeatable). With --requests-per-second, the rest is traffic of other services.
    #[arg(long = "traffic", value_name = "SERVICE=RPS")]
    pub traffic: Vec<String>,

    /// Traces retrieved or scanned a month (console, APIs, Insights).
    #[arg(long, value_name = "N", default_value_t = 0.0)]
    pub scans_per_month: f64,

    /// US dollars per million traces recorded.
    #[arg(long, value_name = "USD", default_value_t = xray_setup::cost::PRICES.per_million_recorded)]
    pub price_per_million_recorded: f64,

    /// US dollars per million traces retrieved or scanned.
    #[arg(long, value_name = "USD", default_value_t = xray_setup::cost::PRICES.per_million_scanned)]
    pub price_per_million_scanned: f64,

    /// Traces recorded free each month.
    #[arg(long, value_name = "N", default_value_t = xray_setup::cost::PRICES.free_recorded)]
    pub free_recorded: f64,

    /// Traces retrieved or scanned free each month.
    #[arg(long, value_name = "N", default_value_t = xray_setup::cost::PRICES.free_scanned)]
    pub free_scanned: f64,

    /// The account's Default rule reservoir, if it was changed through the API.
    #[arg(long, value_name = "N", default_value_t = xray_setup::sampling::DEFAULT_RESERVOIR)]
    pub default_reservoir: f64,

    /// The account's Default rule fixed rate, if it was changed through the API.
    #[arg(long, value_name = "RATE", default_value_t = xray_setup::sampling::DEFAULT_FIXED_RATE)]
    pub default_fixed_rate: f64,

    /// Output format.
    #[arg(long, value_enum, default_value_t = CostFormat::Text)]
    pub format: CostFormat,

    /// Write the estimate to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub variables: VariableArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Findings with code frames, for people.
    Text,
    /// The stable JSON contract (version 1).
    Json,
    /// SARIF 2.1.0, for code-scanning uploads.
    Sarif,
    /// JUnit XML: a testsuite per root, a failing testcase per finding.
    Junit,
    /// A summary table and the findings, for $GITHUB_STEP_SUMMARY and PR comments.
    Markdown,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CostFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}
