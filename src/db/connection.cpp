// Connection parameters and sessions. Secrets (passwords, tokens) stay inside the
// libpq parameters: describe() and error messages never include them.
#include "tide/db/connection.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <spdlog/spdlog.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <cctype>

#include "tide/config/redact.hpp"
#include "tide/error.hpp"

namespace tide {
namespace {

void set_param(ConnectionSpec& spec, const std::string& key, const std::string& value) {
  for (auto& kv : spec.params) {
    if (kv.first == key) {
      kv.second = value;
      return;
    }
  }
  spec.params.emplace_back(key, value);
}

// Reads a URL or key=value string into the spec. Every message about it shows the string
// redacted and libpq's own words scrubbed of the secrets.
void parse_conninfo_into(ConnectionSpec& spec, std::string url, const std::string& origin) {
  while (!url.empty() && std::isspace(static_cast<unsigned char>(url.back()))) url.pop_back();
  url.erase(0, url.find_first_not_of(" \t\r\n"));
  const std::vector<std::string> secrets = connection_secrets(url);
  spec.secrets.insert(spec.secrets.end(), secrets.begin(), secrets.end());
  const std::string shown = redact_connection_string(url);
  const size_t scheme_end = url.find("://");
  if (scheme_end != std::string::npos && url.find('=') > scheme_end) {
    const std::string scheme = url.substr(0, scheme_end);
    if (scheme != "postgres" && scheme != "postgresql") {
      throw usage_error(fmt::format(
          "{}: unknown URL scheme '{}' in {}: write postgres://USER:PASSWORD@HOST:PORT/DATABASE",
          origin, scrub(scheme, secrets), shown));
    }
  }
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err);
  if (!opts) {
    std::string message = err ? err : "invalid connection string";
    if (err) PQfreemem(err);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw usage_error(fmt::format("{}: not a valid connection string ({}): {}", origin,
                                  scrub(conninfo_error_stem(message), secrets), shown));
  }
  std::string password;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (o->val && *o->val) set_param(spec, o->keyword, o->val);
    if (o->val && std::string(o->keyword) == "password") password = o->val;
  }
  PQconninfoFree(opts);
  // libpq ends a URL's user info at the first '@' or '/': a raw one in the password would
  // send part of it elsewhere (as the host, the port, the database) — and into messages.
  if (const std::string meant = url_password(url); !meant.empty() && meant != password) {
    throw usage_error(
        fmt::format("{}: the password in {} has a character that must be percent-encoded in a URL "
                    "('@' as %40, '/' as %2F, '%' as %25, ':' as %3A, '?' as %3F, '#' as %23; "
                    "an '@' after the host, in a query parameter, as %40 too)",
                    origin, shown));
  }
}

// Routes server notices (NOTICE, WARNING) to the log instead of libpq's stderr printer.
class NoticeLogger : public pqxx::errorhandler {
 public:
  using pqxx::errorhandler::errorhandler;
  bool operator()(const char msg[]) noexcept override {
    std::string m(msg);
    while (!m.empty() && m.back() == '\n') m.pop_back();
    spdlog::info("server: {}", m);
    return false;
  }
};

}  // namespace

std::string ConnectionSpec::get(const std::string& key) const {
  for (const auto& kv : params) {
    if (kv.first == key) return kv.second;
  }
  return "";
}

std::string ConnectionSpec::redact(const std::string& text) const {
  return scrub(text, secrets);
}

std::string ConnectionSpec::describe() const {
  std::string host = get("host");
  if (host.empty()) host = get("hostaddr");
  const std::string port = get("port");
  const std::string user = get("user");
  const std::string db = get("dbname");
  return redact(fmt::format("{}{}{}{}{}", user.empty() ? "" : user + "@",
                            host.empty() ? "(default host)" : host, port.empty() ? "" : ":" + port,
                            db.empty() ? "" : "/" + db, iam ? " (IAM auth)" : ""));
}

std::string to_conninfo(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    std::string quoted = "'";
    for (char c : value) {
      if (c == '\'' || c == '\\') quoted += '\\';
      quoted += c;
    }
    out += (out.empty() ? "" : " ") + key + "=" + quoted + "'";
  }
  return out;
}

ConnectionSpec connection_spec(const Environment* env, const std::string& url,
                               const EnvLookup& vars) {
  ConnectionSpec spec;
  std::string source_url = url;
  std::string origin = "--url";
  if (source_url.empty() && env) {
    source_url = env->url;
    origin = fmt::format("environment '{}' url", env->name);
  }
  if (source_url.empty() && !env) {
    if (auto v = vars("DATABASE_URL"); v && !v->empty()) {
      source_url = *v;
      origin = "DATABASE_URL";
    } else if (!vars("PGHOST") && !vars("PGDATABASE") && !vars("PGSERVICE")) {
      throw usage_error(
          "no database to connect to: pass --url, set DATABASE_URL, or define an "
          "environment in tide.yaml");
    }
  }
  if (!source_url.empty()) parse_conninfo_into(spec, source_url, origin);
  if (env) {
    if (!env->host.empty()) set_param(spec, "host", env->host);
    if (env->port) set_param(spec, "port", std::to_string(env->port));
    if (!env->database.empty()) set_param(spec, "dbname", env->database);
    if (!env->user.empty()) set_param(spec, "user", env->user);
    if (!env->password.empty()) {
      set_param(spec, "password", env->password);
      spec.secrets.push_back(env->password);
    }
    if (!env->sslmode.empty()) set_param(spec, "sslmode", env->sslmode);
    if (!env->sslrootcert.empty()) set_param(spec, "sslrootcert", env->sslrootcert);
  }
  if (spec.get("application_name").empty()) set_param(spec, "application_name", "tide");
  if (spec.get("connect_timeout").empty()) set_param(spec, "connect_timeout", "10");

  if (env && env->auth == Auth::kIam) {
    const std::string where = fmt::format("environment '{}'", env->name);
    spec.iam = true;
    // The mode libpq would use: the URL/config's, else PGSSLMODE, else tide's verify-full.
    // Any mode that may fall back to cleartext (prefer included) is refused.
    std::string sslmode = spec.get("sslmode");
    std::string setting = "sslmode";
    if (auto v = vars("PGSSLMODE"); sslmode.empty() && v && !v->empty()) {
      sslmode = *v;
      setting = "PGSSLMODE";
    }
    if (sslmode == "disable" || sslmode == "allow" || sslmode == "prefer") {
      throw usage_error(
          fmt::format("{}: auth: iam refuses to send an IAM token with {}={}: "
                      "the token must only travel over TLS (use verify-full with "
                      "the RDS CA bundle)",
                      where, setting, sslmode));
    }
    set_param(spec, "sslmode", sslmode.empty() ? "verify-full" : sslmode);
    spec.iam_target.host = spec.get("host");
    spec.iam_target.user = spec.get("user");
    const std::string port = spec.get("port");
    spec.iam_target.port = port.empty() ? 5432 : std::stoi(port);
    if (spec.iam_target.host.empty() || spec.iam_target.user.empty()) {
      throw usage_error(fmt::format("{}: auth: iam needs host and user", where));
    }
    spec.iam_target.region = env->region;
    spec.iam_target.role_arn = env->role_arn;
    spec.iam_target.profile = env->aws_profile;
    spec.params.erase(std::remove_if(spec.params.begin(), spec.params.end(),
                                     [](const auto& kv) { return kv.first == "password"; }),
                      spec.params.end());
  }
  return spec;
}

Session::Session(ConnectionSpec spec, bool read_only)
    : spec_(std::move(spec)), read_only_(read_only) {
  if (spec_.iam) tokens_ = std::make_shared<aws::RdsTokenProvider>(spec_.iam_target);
  try {
    connect();
  } catch (const pqxx::broken_connection& e) {
    std::string message = e.what();
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    throw usage_error(
        fmt::format("cannot connect to {}: {}", spec_.describe(), spec_.redact(message)));
  }
}

Session::Session(const Session& from, Probe)
    : spec_(from.spec_), read_only_(from.read_only_), tokens_(from.tokens_) {
  try {
    connect();
  } catch (const std::exception&) {
    rethrow_translated();
  }
}

Session::~Session() {
  notices_.reset();
  conn_.reset();
}

pqxx::connection& Session::conn() {
  if (!conn_) throw connection_error("not connected (the last reconnect failed)");
  return *conn_;
}

std::unique_ptr<pqxx::connection> Session::open(bool read_only) {
  auto params = spec_.params;
  if (tokens_) {
    params.emplace_back("password", tokens_->token());
    spec_.secrets.push_back(params.back().second);  // never shown, even inside libpq's text
  }
  if (read_only) {
    const std::string options = spec_.get("options");
    params.erase(std::remove_if(params.begin(), params.end(),
                                [](const auto& kv) { return kv.first == "options"; }),
                 params.end());
    params.emplace_back(
        "options", options + (options.empty() ? "" : " ") + "-c default_transaction_read_only=on");
  }
  return std::make_unique<pqxx::connection>(to_conninfo(params));
}

void Session::connect() {
  notices_.reset();
  conn_ = open(read_only_);
  notices_ = std::make_unique<NoticeLogger>(*conn_);
  for (const auto& [name, sql] : prepared_) conn_->prepare(name, sql);
}

void Session::reconnect() {
  begin_pending_ = false;
  notices_.reset();
  conn_.reset();
  try {
    connect();
  } catch (const std::exception&) {
    rethrow_translated();
  }
}

std::unique_ptr<Database> Session::open_another() {
  return std::unique_ptr<Database>(new Session(*this, Probe{}));
}

namespace {

SqlResult to_result(const pqxx::result& r) {
  SqlResult out;
  out.affected_rows = static_cast<long long>(r.affected_rows());
  out.rows.reserve(r.size());
  for (const auto& row : r) {
    auto& fields = out.rows.emplace_back();
    fields.reserve(row.size());
    for (const auto& f : row) {
      fields.push_back(f.is_null() ? SqlValue() : SqlValue(std::string(f.c_str(), f.size())));
    }
  }
  return out;
}

std::vector<const char*> c_params(const SqlParams& params) {
  std::vector<const char*> out;
  out.reserve(params.size());
  for (const auto& p : params) out.push_back(p ? p->c_str() : nullptr);
  return out;
}

}  // namespace

SqlResult Session::exec(const std::string& sql) {
  try {
    pqxx::nontransaction n(conn());
    if (begin_pending_) {
      begin_pending_ = false;
      return to_result(n.exec("BEGIN;\n" + sql));
    }
    return to_result(n.exec(sql));
  } catch (const std::exception&) {
    rethrow_translated();
  }
}

void Session::exec_rows(const std::string& sql, const std::function<void(const RowView&)>& row) {
  pqxx::result r;
  try {
    pqxx::nontransaction n(conn());
    if (begin_pending_) {
      begin_pending_ = false;
      r = n.exec("BEGIN;\n" + sql);
    } else {
      r = n.exec(sql);
    }
  } catch (const std::exception&) {
    rethrow_translated();
  }
  // Straight from libpq's buffer: no copy of every field into a SqlResult first.
  RowView view(r.columns());
  for (const auto& fields : r) {
    for (size_t c = 0; c < view.size(); ++c) {
      const pqxx::field f = fields[static_cast<pqxx::row::size_type>(c)];
      if (f.is_null()) {
        view[c].reset();
      } else {
        view[c].emplace(f.c_str(), f.size());
      }
    }
    row(view);
  }
}

SqlResult Session::exec_params(const std::string& sql, const SqlParams& params) {
  flush_begin();
  try {
    pqxx::nontransaction n(conn());
    return to_result(n.exec_params(sql, pqxx::prepare::make_dynamic_params(c_params(params))));
  } catch (const std::exception&) {
    rethrow_translated();
  }
}

void Session::prepare(const std::string& name, const std::string& sql) {
  prepared_.erase(std::remove_if(prepared_.begin(), prepared_.end(),
                                 [&](const auto& p) { return p.first == name; }),
                  prepared_.end());
  prepared_.emplace_back(name, sql);
  try {
    conn().prepare(name, sql);
  } catch (const std::exception&) {
    rethrow_translated();
  }
}

SqlResult Session::exec_prepared(const std::string& name, const SqlParams& params) {
  flush_begin();
  try {
    pqxx::nontransaction n(conn());
    return to_result(n.exec_prepared(name, pqxx::prepare::make_dynamic_params(c_params(params))));
  } catch (const std::exception&) {
    rethrow_translated();
  }
}

// BEGIN travels with the transaction's first simple query ("BEGIN; <guard>; <SET LOCAL…>;
// <statement>"), so a step costs one round trip fewer; the transaction and every statement in
// it are the same as with a BEGIN of its own.
void Session::begin() {
  begin_pending_ = true;
}

void Session::flush_begin() {
  if (!begin_pending_) return;
  begin_pending_ = false;
  exec("BEGIN");
}

void Session::commit() {
  if (begin_pending_) {  // nothing ran: nothing to commit
    begin_pending_ = false;
    return;
  }
  try {
    pqxx::nontransaction n(conn());
    n.exec("COMMIT");
  } catch (const std::exception&) {
    rethrow_translated(true);
  }
}

void Session::rollback() noexcept {
  if (begin_pending_) {
    begin_pending_ = false;
    return;
  }
  try {
    // Never on a broken connection: libpqxx would quietly open a new one for it.
    if (conn_ && conn_->is_open()) exec("ROLLBACK");
  } catch (const std::exception&) {
    // The connection is gone, and with it the transaction.
  }
}

void rethrow_translated(bool in_commit) {
  try {
    throw;
  } catch (const pqxx::in_doubt_error& e) {
    throw connection_error(e.what(), true);
  } catch (const pqxx::broken_connection& e) {
    throw connection_error(e.what(), in_commit);
  } catch (const pqxx::sql_error& e) {
    throw server_error(e.sqlstate(), e.what());
  }
}

}  // namespace tide
