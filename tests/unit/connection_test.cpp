// Unit tests for the pure half of src/db/connection.cpp: connection_spec and to_conninfo.
// No server: these build libpq parameters and messages, which must never show a secret.
#include <catch2/catch.hpp>

#include <map>

#include "tide/db/connection.hpp"
#include "tide/error.hpp"

using namespace tide;

namespace {

EnvLookup vars(std::map<std::string, std::string> v = {}) {
  return [v](const std::string& n) -> std::optional<std::string> {
    auto it = v.find(n);
    return it == v.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

std::string error_of(const Environment* env, const std::string& url, const EnvLookup& lookup) {
  try {
    connection_spec(env, url, lookup);
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::kUsage);
    return e.what();
  }
  return "";
}

const char* const kSecret = "s3cr3t-Pa55";

}  // namespace

TEST_CASE("to_conninfo quotes every value as libpq wants", "[connection]") {
  CHECK(to_conninfo({}) == "");
  CHECK(to_conninfo({{"host", "db"}, {"port", "5432"}}) == "host='db' port='5432'");
  CHECK(to_conninfo({{"password", "it's a \\ test"}}) == "password='it\\'s a \\\\ test'");
  CHECK(to_conninfo({{"dbname", ""}}) == "dbname=''");
}

TEST_CASE("connection_spec from a URL: parameters, defaults, a described target", "[connection]") {
  const ConnectionSpec spec = connection_spec(
      nullptr, std::string("postgres://app:") + kSecret + "@db.internal:6543/orders", vars());
  CHECK(spec.get("host") == "db.internal");
  CHECK(spec.get("port") == "6543");
  CHECK(spec.get("dbname") == "orders");
  CHECK(spec.get("user") == "app");
  CHECK(spec.get("password") == kSecret);
  CHECK(spec.get("application_name") == "tide");
  CHECK(spec.get("connect_timeout") == "10");
  CHECK(spec.describe() == "app@db.internal:6543/orders");
  CHECK_FALSE(spec.iam);
  CHECK(spec.redact(std::string("failed for ") + kSecret).find(kSecret) == std::string::npos);
}

TEST_CASE("connection_spec: the environment's settings override its url", "[connection]") {
  Environment env;
  env.name = "ci";
  env.url = "postgres://old@old-host/olddb";
  env.host = "new-host";
  env.port = 5433;
  env.database = "app";
  env.user = "migrator";
  env.password = kSecret;
  env.sslmode = "require";
  const ConnectionSpec spec = connection_spec(&env, "", vars());
  CHECK(spec.get("host") == "new-host");
  CHECK(spec.get("port") == "5433");
  CHECK(spec.get("dbname") == "app");
  CHECK(spec.get("user") == "migrator");
  CHECK(spec.get("sslmode") == "require");
  CHECK(spec.describe() == "migrator@new-host:5433/app");
  CHECK(spec.describe().find(kSecret) == std::string::npos);
  // --url wins over the environment's url, but not over its explicit settings.
  CHECK(connection_spec(&env, "postgres://x@url-host/urldb", vars()).get("host") == "new-host");
}

TEST_CASE("connection_spec without a target names the ways to give one", "[connection]") {
  CHECK_THAT(error_of(nullptr, "", vars()), Catch::Contains("pass --url, set DATABASE_URL"));
  CHECK(connection_spec(nullptr, "", vars({{"DATABASE_URL", "postgres://u@h/d"}})).get("host") ==
        "h");
  CHECK(connection_spec(nullptr, "", vars({{"PGHOST", "h"}})).params.size() == 2);
}

TEST_CASE("IAM auth: no password is sent, TLS is required, and no secret is shown",
          "[connection]") {
  Environment env;
  env.name = "prod";
  env.auth = Auth::kIam;
  env.host = "db.cluster-x.eu-west-1.rds.amazonaws.com";
  env.user = "migrator";
  env.password = kSecret;
  env.region = "eu-west-1";
  const ConnectionSpec spec = connection_spec(&env, "", vars());
  CHECK(spec.iam);
  CHECK(spec.get("password").empty());
  CHECK(spec.get("sslmode") == "verify-full");
  CHECK(spec.iam_target.port == 5432);
  CHECK(spec.iam_target.region == "eu-west-1");
  CHECK(to_conninfo(spec.params).find(kSecret) == std::string::npos);
  CHECK(spec.describe().find("(IAM auth)") != std::string::npos);

  env.sslmode = "prefer";
  const std::string refused = error_of(&env, "", vars());
  CHECK_THAT(refused, Catch::Contains("sslmode=prefer"));
  CHECK(refused.find(kSecret) == std::string::npos);
  env.sslmode = "";
  CHECK_THAT(error_of(&env, "", vars({{"PGSSLMODE", "disable"}})),
             Catch::Contains("PGSSLMODE=disable"));
}

TEST_CASE("connection_spec errors never show the password", "[connection]") {
  for (const std::string& url :
       {std::string("mysql://u:") + kSecret + "@h/d",
        std::string("postgres://u:") + kSecret + "@h/d?bogus_option=1",
        std::string("postgres://u:") + kSecret + "/x@h/d",  // a raw '/' cuts the password
        std::string("host=h password=") + kSecret + " nonsense"}) {
    const std::string message = error_of(nullptr, url, vars());
    INFO(message);
    CHECK_FALSE(message.empty());
    CHECK(message.find(kSecret) == std::string::npos);
  }
}
