// The few HTTP calls tide makes to AWS (STS, ECS, IMDS), through libcurl.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "tide/aws/credentials.hpp"

namespace tide::aws {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  HttpTimeouts timeouts;
  bool bypass_proxy = false;  // metadata endpoints are link-local: never through a proxy
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

// Transport failure (no connection, timeout, oversized answer). The message names the URL's
// host and the cause, never headers or bodies.
class HttpError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

HttpResponse http_send(const HttpRequest& req);

// Splits "scheme://host[:port]/path" and returns the host (brackets kept for IPv6) or "".
std::string url_host(const std::string& url);

}  // namespace tide::aws
