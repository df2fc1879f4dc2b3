// Connecting to PostgreSQL: from an environment (or URL) to libpq parameters, and a
// session that can reconnect (with a fresh IAM token) during long runs.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tide/aws/rds_token.hpp"
#include "tide/config/config.hpp"
#include "tide/db/database.hpp"

// libpqxx 6.4's names, declared (not included): this header stays free of libpqxx.
namespace pqxx {
class connect_direct;
template <typename CONNECTPOLICY>
class basic_connection_base;
using connection = basic_connection_base<connect_direct>;
class errorhandler;
}  // namespace pqxx

namespace tide {

struct ConnectionSpec {
  std::vector<std::pair<std::string, std::string>> params;  // libpq keywords
  bool iam = false;
  aws::IamTarget iam_target;
  // Every secret of the settings it was built from (see tide/redact.hpp): whatever text about
  // this connection is shown goes through redact() first.
  std::vector<std::string> secrets;
  std::string describe() const;  // user@host:port/db, never a password or token
  std::string get(const std::string& key) const;
  std::string redact(const std::string& text) const;
};

// Builds the libpq parameters for `env` (may be null), with `url` (from --url or
// $DATABASE_URL) overriding the environment's url. Throws exit-2 errors naming what is wrong.
ConnectionSpec connection_spec(const Environment* env, const std::string& url,
                               const EnvLookup& vars);

// A libpq conninfo string with values quoted as libpq wants them.
std::string to_conninfo(const std::vector<std::pair<std::string, std::string>>& params);

// A libpqxx session: the real Database. Every libpqxx error it raises is translated here, at the
// db layer's edge, into a tide::DatabaseError.
class Session : public Database {
 public:
  // read_only: every transaction is read-only (--dry-run).
  // Throws exit 2 when the first connection fails.
  Session(ConnectionSpec spec, bool read_only);
  ~Session() override;
  bool connected() const { return conn_ != nullptr; }
  const ConnectionSpec& spec() const { return spec_; }

  SqlResult exec(const std::string& sql) override;
  SqlResult exec_params(const std::string& sql, const SqlParams& params) override;
  void prepare(const std::string& name, const std::string& sql) override;
  SqlResult exec_prepared(const std::string& name, const SqlParams& params) override;
  void exec_rows(const std::string& sql, const std::function<void(const RowView&)>& row) override;
  void begin() override;
  void commit() override;
  void rollback() noexcept override;
  void reconnect() override;
  std::unique_ptr<Database> open_another() override;
  std::string describe() const override { return spec_.describe(); }

 private:
  // The live connection; throws DatabaseError (kConnection) when a reconnect failed half-way.
  pqxx::connection& conn();
  struct Probe {};  // open_another(): a connection failure stays a DatabaseError
  Session(const Session& from, Probe);
  std::unique_ptr<pqxx::connection> open(bool read_only);
  void connect();
  ConnectionSpec spec_;
  bool read_only_;
  std::shared_ptr<aws::RdsTokenProvider> tokens_;
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::errorhandler> notices_;
  std::vector<std::pair<std::string, std::string>> prepared_;  // declared again on reconnect
  bool begin_pending_ = false;  // begin() called; BEGIN goes out with the next statement
  void flush_begin();
};

// Inside a catch block: rethrows the exception under way, a libpqxx error translated into a
// tide::DatabaseError (the db layer's one translation; in_commit: a connection that broke
// during COMMIT is an in-doubt commit). Session uses it for every libpqxx call.
[[noreturn]] void rethrow_translated(bool in_commit = false);

}  // namespace tide
