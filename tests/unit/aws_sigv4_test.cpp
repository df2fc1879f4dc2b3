// SigV4 against the public AWS test-suite requests (credentials AKIDEXAMPLE, 20150830T123600Z,
// us-east-1, service "service"). Expected signatures were computed independently with botocore
// (tests/aws/botocore_token.py header ...); get-vanilla and get-vanilla-query-order-key-case
// equal the published suite values.
#include <catch2/catch.hpp>

#include "tide/aws/credentials.hpp"
#include "tide/aws/sigv4.hpp"

using namespace tide::aws;

namespace {

const Credentials kCreds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "",
                         std::nullopt, "test"};
const sigv4::Scope kScope{"us-east-1", "service"};

TimePoint suite_time() {
  return *parse_iso8601("2015-08-30T12:36:00Z");
}

std::string authorization(const sigv4::Request& signed_req) {
  for (const auto& [name, value] : signed_req.headers) {
    if (name == "Authorization") return value;
  }
  return "";
}

}  // namespace

TEST_CASE("sigv4: hashes and encodings", "[aws][sigv4]") {
  CHECK(sigv4::sha256_hex("") ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sigv4::uri_encode("a b/c~d_e.f-g+h=i&j%") == "a%20b%2Fc~d_e.f-g%2Bh%3Di%26j%25");
  CHECK(sigv4::uri_encode("/a b/", true) == "/a%20b/");
  CHECK(sigv4::amz_date(suite_time()) == "20150830T123600Z");
  CHECK(sigv4::credential_scope(suite_time(), kScope) == "20150830/us-east-1/service/aws4_request");
  CHECK(sigv4::canonical_query({{"Param2", "value2"}, {"Param1", "value1"}, {"b", ""}}) ==
        "Param1=value1&Param2=value2&b=");
  // Signing keys: the AWS documentation's example (20120215, us-east-1, iam) and the suite's
  // scope; both recomputed independently with Python's hmac module.
  CHECK(sigv4::hex(sigv4::signing_key(kCreds.secret_access_key,
                                      *parse_iso8601("2012-02-15T00:00:00Z"),
                                      {"us-east-1", "iam"})) ==
        "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
  CHECK(sigv4::hex(sigv4::signing_key(kCreds.secret_access_key, suite_time(), kScope)) ==
        "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75");
}

TEST_CASE("sigv4: get-vanilla canonical request and signature", "[aws][sigv4]") {
  sigv4::Request req;
  req.headers = {{"Host", "example.amazonaws.com"}};
  auto signed_req = sigv4::sign_headers(req, kCreds, kScope, suite_time());
  sigv4::Request with_date = req;
  with_date.headers.emplace_back("X-Amz-Date", "20150830T123600Z");
  CHECK(sigv4::canonical_request(with_date, sigv4::sha256_hex("")) ==
        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
        "host;x-amz-date\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(authorization(signed_req) ==
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date, "
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST_CASE("sigv4: get-vanilla-query-order-key-case", "[aws][sigv4]") {
  sigv4::Request req;
  req.query = {{"Param2", "value2"}, {"Param1", "value1"}};
  req.headers = {{"Host", "example.amazonaws.com"}};
  CHECK(authorization(sigv4::sign_headers(req, kCreds, kScope, suite_time())) ==
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date, "
        "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST_CASE("sigv4: form POST as STS calls are signed", "[aws][sigv4]") {
  sigv4::Request req;
  req.method = "POST";
  req.headers = {{"Host", "example.amazonaws.com"},
                 {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  req.body = "Param1=value1";
  CHECK(authorization(sigv4::sign_headers(req, kCreds, kScope, suite_time())) ==
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date, "
        "Signature=2f3b42f35f135abf9c562afcbbc44fc03df96dcfd4332ecebad8b39a7d4b6125");
}

TEST_CASE("sigv4: session token is a signed header", "[aws][sigv4]") {
  Credentials creds = kCreds;
  creds.session_token =
      "AQoDYXdzEPT//////////"
      "wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPf"
      "IeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7"
      "WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm"
      "8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
  sigv4::Request req;
  req.headers = {{"Host", "example.amazonaws.com"}};
  auto signed_req = sigv4::sign_headers(req, creds, kScope, suite_time());
  CHECK(authorization(signed_req) ==
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date;x-amz-security-token, "
        "Signature=c8db8b9676d526f735dac5330f17623554c6cad1e2980d321903e9a3884c051b");
}

TEST_CASE("sigv4: header values are trimmed and folded", "[aws][sigv4]") {
  sigv4::Request req;
  req.headers = {{"Host", "example.amazonaws.com"},
                 {"My-Header1", "  value1   a  b "},
                 {"my-header1", "value2"}};
  CHECK(sigv4::canonical_request(req, "x") ==
        "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1 a b,value2\n\n"
        "host;my-header1\nx");
}

TEST_CASE("credentials: ISO 8601 times as AWS writes them", "[aws]") {
  auto t = parse_iso8601("2015-08-30T12:36:00Z");
  REQUIRE(t);
  CHECK(format_iso8601(*t) == "2015-08-30T12:36:00Z");
  CHECK(parse_iso8601("2015-08-30T12:36:00.123Z") == t);
  CHECK(parse_iso8601("2015-08-30T14:36:00+02:00") == t);
  CHECK(parse_iso8601("2015-08-30T12:36:00+00:00") == t);
  CHECK_FALSE(parse_iso8601("2015-08-30 12:36:00"));
  CHECK_FALSE(parse_iso8601("2015-08-30T12:36:00"));
  CHECK_FALSE(parse_iso8601("soon"));
  CHECK_FALSE(parse_iso8601(""));
}
