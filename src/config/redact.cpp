// Redaction of connection settings (see include/tide/config/redact.hpp). Deliberately lenient: it
// reads a password where the author meant one, even where libpq would read the string
// differently or not at all, so that masking never depends on the string being well-formed.
#include "tide/config/redact.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>

namespace tide {
namespace {

constexpr const char* kMask = "***";

struct Span {
  size_t begin, end;  // [begin, end) of `raw`
};

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

bool is_libpq_keyword(const std::string& word) {
  static const std::vector<std::string> keywords = [] {
    std::vector<std::string> out;
    if (PQconninfoOption* opts = PQconndefaults()) {
      for (PQconninfoOption* o = opts; o->keyword; ++o) out.emplace_back(o->keyword);
      PQconninfoFree(opts);
    }
    return out;
  }();
  return std::find(keywords.begin(), keywords.end(), word) != keywords.end();
}

// Starts like key=value ("host=…"), as opposed to a URL with or without its scheme.
bool starts_with_keyword(const std::string& raw) {
  size_t i = 0;
  while (i < raw.size() && is_space(raw[i])) ++i;
  const size_t word = i;
  while (i < raw.size() && (std::isalnum(static_cast<unsigned char>(raw[i])) || raw[i] == '_')) ++i;
  while (i < raw.size() && is_space(raw[i])) ++i;
  return i > word && i < raw.size() && raw[i] == '=';
}

// The user-info password of a URL-like string: `scheme://user:PASSWORD@host…`, also with a
// mistyped scheme or none (`user:PASSWORD@host`): from the first ':' of the user info to the
// last '@' of the string. Wider than libpq's reading when the string is odd, never narrower.
bool url_password_span(const std::string& raw, Span& span) {
  size_t start = raw.find("://");
  if (start != std::string::npos) {
    start += 3;
  } else if (starts_with_keyword(raw)) {
    return false;
  } else {
    start = 0;
    while (start < raw.size() && is_space(raw[start])) ++start;
  }
  const size_t at = raw.rfind('@');
  if (at == std::string::npos || at < start) return false;
  size_t colon = raw.find(':', start);
  if (colon == std::string::npos || colon >= at) return false;
  // "postgres:/user:pw@…" (a slash short): the scheme's colon is not the password's.
  const size_t second = raw.find(':', colon + 1);
  if (raw.compare(colon, 2, ":/") == 0 && second != std::string::npos && second < at)
    colon = second;
  span = Span{colon + 1, at};
  return true;
}

// Values of password=… and sslpassword=…, in a key=value string or a URL's query.
void keyword_spans(const std::string& raw, std::vector<Span>& spans) {
  for (const std::string key : {"password", "sslpassword"}) {
    for (size_t pos = raw.find(key); pos != std::string::npos; pos = raw.find(key, pos + 1)) {
      const bool starts =
          pos == 0 || is_space(raw[pos - 1]) || raw[pos - 1] == '?' || raw[pos - 1] == '&';
      if (!starts || (key == "password" && pos >= 3 && raw.compare(pos - 3, 3, "ssl") == 0))
        continue;
      size_t i = pos + key.size();
      while (i < raw.size() && is_space(raw[i])) ++i;
      if (i >= raw.size() || raw[i] != '=') continue;
      ++i;
      const bool in_query = pos > 0 && (raw[pos - 1] == '?' || raw[pos - 1] == '&');
      if (!in_query) {
        while (i < raw.size() && is_space(raw[i])) ++i;
      }
      size_t end = i;
      if (in_query) {
        end = raw.find('&', i);
        if (end == std::string::npos) end = raw.size();
      } else if (i < raw.size() && raw[i] == '\'') {
        end = i + 1;
        while (end < raw.size() && raw[end] != '\'') end += raw[end] == '\\' ? 2 : 1;
        end = std::min(raw.size(), end + 1);
      } else {
        // Unquoted: up to the next " keyword=" of libpq (a value with a space, or with
        // "x=" in it, is still the password).
        end = raw.size();
        for (size_t k = i; k < raw.size(); ++k) {
          if (!is_space(raw[k])) continue;
          size_t w = k;
          while (w < raw.size() && is_space(raw[w])) ++w;
          size_t e = w;
          while (e < raw.size() &&
                 (std::isalnum(static_cast<unsigned char>(raw[e])) || raw[e] == '_'))
            ++e;
          const std::string word = raw.substr(w, e - w);
          while (e < raw.size() && is_space(raw[e])) ++e;
          if (e > w && e < raw.size() && raw[e] == '=' && is_libpq_keyword(word)) {
            end = k;
            break;
          }
        }
      }
      if (end > i) spans.push_back(Span{i, end});
    }
  }
}

std::vector<Span> secret_spans(const std::string& raw) {
  std::vector<Span> spans;
  Span s{};
  if (url_password_span(raw, s) && s.end > s.begin) spans.push_back(s);
  keyword_spans(raw, spans);
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return a.begin < b.begin; });
  return spans;
}

std::string percent_decoded(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string unquoted(const std::string& s) {
  if (s.empty() || s[0] != '\'') return s;
  std::string out;
  for (size_t i = 1; i < s.size() && s[i] != '\''; ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out += s[i];
  }
  return out;
}

// The password and sslpassword libpq reads from `raw` (none when it cannot parse it).
std::vector<std::string> libpq_passwords(const std::string& raw) {
  std::vector<std::string> out;
  char* err = nullptr;
  if (PQconninfoOption* opts = PQconninfoParse(raw.c_str(), &err)) {
    for (PQconninfoOption* o = opts; o->keyword; ++o) {
      const std::string key = o->keyword;
      if ((key == "password" || key == "sslpassword") && o->val && *o->val) out.push_back(o->val);
    }
    PQconninfoFree(opts);
  }
  if (err) PQfreemem(err);
  return out;
}

}  // namespace

std::string redact_connection_string(const std::string& raw) {
  std::string out;
  size_t pos = 0;
  std::vector<std::string> masked;
  for (const Span& s : secret_spans(raw)) {
    if (s.begin < pos) continue;  // overlapping spans: the first one masked it already
    const std::string text = raw.substr(s.begin, s.end - s.begin);
    masked.insert(masked.end(), {text, percent_decoded(text), unquoted(text)});
    out += raw.substr(pos, s.begin - pos) + kMask;
    pos = s.end;
  }
  out += raw.substr(std::min(pos, raw.size()));
  // Where libpq reads a password outside the spans above (an odd string), hide that too.
  std::vector<std::string> unmasked;
  for (const std::string& p : libpq_passwords(raw)) {
    const bool inside = std::any_of(masked.begin(), masked.end(), [&](const std::string& m) {
      return m.find(p) != std::string::npos;
    });
    if (!inside) unmasked.push_back(p);
  }
  return scrub(out, unmasked);
}

std::string conninfo_error_stem(const std::string& message) {
  std::string out;
  size_t pos = 0;
  for (size_t open = message.find('"'); open != std::string::npos; open = message.find('"', pos)) {
    const size_t close = message.find('"', open + 1);
    if (close == std::string::npos) break;
    const std::string quoted = message.substr(open + 1, close - open - 1);
    if (quoted.size() != 1 || !std::ispunct(static_cast<unsigned char>(quoted[0]))) {
      // The first piece of the string libpq quotes, which may hold quotes itself: cut from here
      // to the last quote.
      return out + message.substr(pos, open - pos) + "\"…\"" +
             message.substr(message.rfind('"') + 1);
    }
    out += message.substr(pos, close + 1 - pos);
    pos = close + 1;
  }
  return out + message.substr(pos);
}

std::string url_password(const std::string& raw) {
  Span s{};
  if (!url_password_span(raw, s)) return "";
  return percent_decoded(raw.substr(s.begin, s.end - s.begin));
}

std::vector<std::string> connection_secrets(const std::string& raw) {
  std::vector<std::string> out;
  for (const Span& s : secret_spans(raw)) {
    const std::string text = raw.substr(s.begin, s.end - s.begin);
    out.push_back(text);
    out.push_back(percent_decoded(text));
    out.push_back(unquoted(text));
  }
  for (const std::string& p : libpq_passwords(raw)) out.push_back(p);
  out.erase(std::remove(out.begin(), out.end(), std::string()), out.end());
  return out;
}

std::string scrub(std::string text, const std::vector<std::string>& secrets) {
  std::vector<std::string> sorted = secrets;
  std::sort(sorted.begin(), sorted.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& secret : sorted) {
    if (secret.empty()) continue;
    for (size_t pos = text.find(secret); pos != std::string::npos;
         pos = text.find(secret, pos + 3)) {
      text.replace(pos, secret.size(), kMask);
    }
  }
  return text;
}

}  // namespace tide
