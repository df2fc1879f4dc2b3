// Unit tests for src/config/redact.cpp and its use by connection_spec (src/db/connection.cpp):
// a password never reaches a message, whatever shape the connection string has.
#include <catch2/catch.hpp>

#include <random>

#include "tide/config/redact.hpp"
#include "tide/db/connection.hpp"
#include "tide/error.hpp"

using namespace tide;

namespace {

EnvLookup no_vars() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

// What tide says about a --url: the error, or what it shows of a spec it accepted.
std::string said_about(const std::string& url) {
  try {
    const ConnectionSpec spec = connection_spec(nullptr, url, no_vars());
    return spec.describe();
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::kUsage);
    return e.what();
  }
}

// The pieces of `secret` long enough to recognise: the secret itself and every run of 4.
void check_hidden(const std::string& text, const std::string& secret) {
  INFO("text: " << text << "\nsecret: " << secret);
  CHECK(text.find(secret) == std::string::npos);
  for (size_t i = 0; i + 4 <= secret.size(); ++i) {
    const std::string piece = secret.substr(i, 4);
    if (piece.find_first_of("QXZJWKVY") == std::string::npos)
      continue;  // only the secret has these
    CHECK(text.find(piece) == std::string::npos);
  }
}

}  // namespace

TEST_CASE("redact_connection_string masks the password as its author meant it") {
  CHECK(redact_connection_string("postgres://u:pw@h/db") == "postgres://u:***@h/db");
  CHECK(redact_connection_string(" postgres://u:pw@h/db") == " postgres://u:***@h/db");
  CHECK(redact_connection_string("postgress://u:pw@h/db") == "postgress://u:***@h/db");
  CHECK(redact_connection_string("postgresql+psycopg2://u:pw@h/db") ==
        "postgresql+psycopg2://u:***@h/db");
  CHECK(redact_connection_string("postgres://u:p@ss@h/db") == "postgres://u:***@h/db");
  CHECK(redact_connection_string("postgres://u:p/ss@h/db") == "postgres://u:***@h/db");
  CHECK(redact_connection_string("postgres://u:p%ss@[::1/db") == "postgres://u:***@[::1/db");
  CHECK(redact_connection_string("postgres://u@h/db?password=x&sslmode=require") ==
        "postgres://u@h/db?password=***&sslmode=require");
  CHECK(redact_connection_string("host=h password=a b user=u") == "host=h password=*** user=u");
  CHECK(redact_connection_string("host=h password='a \\' b' user=u") ==
        "host=h password=*** user=u");
  CHECK(redact_connection_string("host=h password='open") == "host=h password=***");
  CHECK(redact_connection_string("u:pw@h") == "u:***@h");
  CHECK(redact_connection_string("postgres://u@h/db") == "postgres://u@h/db");
  CHECK(redact_connection_string("host=h sslpassword=k") == "host=h sslpassword=***");
  // The same word as user and password: the user stays readable.
  CHECK(redact_connection_string("postgres://postgres:postgres@localhost/postgres") ==
        "postgres://postgres:***@localhost/postgres");
}

TEST_CASE("scrub removes secrets; libpq's parse errors lose the piece they quote") {
  CHECK(scrub("user u, password SE%RET, again SE%RET", {"SE%RET"}) ==
        "user u, password ***, again ***");
  CHECK(scrub("could not translate host name \"h\"", {"a b"}) ==
        "could not translate host name \"h\"");
  CHECK(conninfo_error_stem("missing \"=\" after \"b\" in connection info string") ==
        "missing \"=\" after \"…\" in connection info string");
  CHECK(conninfo_error_stem("missing \"=\" after \"a\"b\" in connection info string") ==
        "missing \"=\" after \"…\" in connection info string");
  CHECK(conninfo_error_stem("unterminated quoted string in connection info string") ==
        "unterminated quoted string in connection info string");
}

TEST_CASE("every listed malformed connection string is refused without its password") {
  const std::string pw = "QXZJ-WKVY";
  for (const std::string& url : std::vector<std::string>{
           " postgres://u:" + pw + "@127.0.0.1/db",
           "postgress://u:" + pw + "@127.0.0.1/db",
           "postgresql+psycopg2://u:" + pw + "@127.0.0.1/db",
           "postgres://u:QXZJ%WKVY@127.0.0.1/db",
           "postgres://u:QXZJ@WKVY@127.0.0.1/db",
           "postgres://u:QXZJ/WKVY@127.0.0.1/db",
           "postgres://u:" + pw + "@[::1/db",
           "host=127.0.0.1 password=QXZJ WKVY",
           "host=127.0.0.1 password='QXZJ WKVY",
           "postgres://u:" + pw + "@127.0.0.1/db?bogus=1",
           "postgres://u:QXZJ%00WKVY@127.0.0.1/db",
           "postgres://u:" + pw + "@127.0.0.1:port/db",
           "u:" + pw + "@127.0.0.1/db",
       }) {
    const std::string text = said_about(url);
    check_hidden(text, "QXZJ");
    check_hidden(text, "WKVY");
  }
  // A well-formed URL is accepted; its password is kept for libpq, never shown.
  const ConnectionSpec ok = connection_spec(nullptr, "postgres://u:QXZJ%40WKVY@h/db", no_vars());
  CHECK(ok.get("password") == "QXZJ@WKVY");
  check_hidden(ok.describe(), "QXZJ@WKVY");
}

TEST_CASE("fuzzed URLs never show their password") {
  std::mt19937 rng(20261125);
  const std::string alphabet = "QXZJqxzj0123456789@/%:?#&=[] '\"\\+.-_~!$";
  auto pick = [&](const std::string& from) { return from[rng() % from.size()]; };
  const std::vector<std::string> schemes = {
      "postgres://", "postgresql://", "postgress://", " postgres://", "pg+x://", "", "postgres:/"};
  const std::vector<std::string> hosts = {"127.0.0.1",   "[::1]", "[::1", "localhost:5432",
                                          "127.0.0.1:x", "",      "h,i"};
  for (int i = 0; i < 3000; ++i) {
    std::string pw = "QXZJ";
    const int extra = 1 + static_cast<int>(rng() % 10);
    for (int k = 0; k < extra; ++k) pw += pick(alphabet);
    pw += "QXZJ";
    std::string url;
    if (rng() % 4 == 0) {
      url = "host=127.0.0.1 user=u password=" + pw + (rng() % 2 ? " dbname=d" : "");
    } else {
      url = schemes[rng() % schemes.size()] + "u:" + pw + "@" + hosts[rng() % hosts.size()] +
            (rng() % 2 ? "/db" : "") + (rng() % 3 == 0 ? "?sslmode=disable" : "");
    }
    INFO("url: " << url);
    const std::string text = said_about(url) + "\n" + redact_connection_string(url);
    INFO("said: " << text);
    CHECK(text.find(pw) == std::string::npos);
    CHECK(text.find("QXZJ") == std::string::npos);
  }
}
