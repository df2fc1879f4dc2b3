// Hidden end-to-end check (tag [.e2e]): tide's own tokens against a PostgreSQL whose PAM
// accepts only valid RDS IAM tokens (tests/aws/README.md). Runs only when asked:
//   TIDE_IAM_E2E_PORT=55432 build/tide_unit_tests "[e2e]"
// with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY set to a key the verifier knows.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <pqxx/pqxx>

#include "tide/aws/rds_token.hpp"

TEST_CASE("e2e: IAM token logs in through PAM over TLS", "[.e2e]") {
  const char* port = std::getenv("TIDE_IAM_E2E_PORT");
  if (!port) {
    WARN("skipped: TIDE_IAM_E2E_PORT not set");
    return;
  }
  tide::aws::IamTarget target;
  target.host = "127.0.0.1";
  target.port = std::atoi(port);
  target.user = "migrator";
  target.region = "us-east-1";
  tide::aws::RdsTokenProvider provider(target);
  std::string base = "host=127.0.0.1 port=" + std::string(port) + " dbname=postgres user=migrator ";
  auto quoted = [](const std::string& v) {
    std::string out = "'";
    for (char ch : v) {
      if (ch == '\\' || ch == '\'') out += '\\';
      out += ch;
    }
    return out + "'";
  };
  for (int i = 0; i < 2; ++i) {  // every connection gets a fresh token
    pqxx::connection c(base + "sslmode=require password=" + quoted(provider.token()));
    pqxx::nontransaction tx(c);
    CHECK(tx.exec1("SELECT current_user")[0].as<std::string>() == "migrator");
  }
  // The same token over plaintext is refused by pg_hba (hostssl only).
  CHECK_THROWS(pqxx::connection(base + "sslmode=disable password=" + quoted(provider.token())));
}
