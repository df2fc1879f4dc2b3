// Reading .env files. Values never appear in errors: a .env holds passwords.
#include "tide/config/dotenv.hpp"

#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tide/error.hpp"

namespace tide {
namespace {

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

bool valid_key(const std::string& key) {
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) return false;
  for (unsigned char c : key) {
    if (!std::isalnum(c) && c != '_' && c != '.') return false;
  }
  return true;
}

}  // namespace

std::map<std::string, std::string> parse_dotenv(const std::string& content,
                                                const std::string& path) {
  std::map<std::string, std::string> vars;
  std::istringstream in(content);
  std::string raw;
  int line_no = 0;
  while (std::getline(in, raw)) {
    ++line_no;
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("export ", 0) == 0) line = trim(line.substr(7));
    const size_t eq = line.find('=');
    const std::string key = trim(line.substr(0, eq));
    if (eq == std::string::npos || !valid_key(key)) {
      throw usage_error(fmt::format("{}:{}: expected KEY=value", path, line_no));
    }
    std::string value = trim(line.substr(eq + 1));
    if (!value.empty() && (value[0] == '\'' || value[0] == '"')) {
      const char quote = value[0];
      // A quoted value may span lines (a PEM key): read on until its closing quote.
      const int start_line = line_no;
      auto closed = [&] {
        for (size_t i = 1; i < value.size(); ++i) {
          if (quote == '"' && value[i] == '\\') {
            ++i;
          } else if (value[i] == quote) {
            return true;
          }
        }
        return false;
      };
      while (!closed() && std::getline(in, raw)) {
        ++line_no;
        if (!raw.empty() && raw.back() == '\r') raw.pop_back();
        value += "\n" + raw;
      }
      std::string out;
      size_t i = 1;
      for (; i < value.size() && value[i] != quote; ++i) {
        if (quote == '"' && value[i] == '\\' && i + 1 < value.size()) {
          const char e = value[++i];
          out += e == 'n' ? '\n' : e;
        } else {
          out += value[i];
        }
      }
      if (i >= value.size()) {
        throw usage_error(
            fmt::format("{}:{}: the value of {} has no closing {}", path, start_line, key, quote));
      }
      value = out;
    } else if (const size_t hash = value.find(" #"); hash != std::string::npos) {
      value = trim(value.substr(0, hash));
    }
    vars[key] = value;
  }
  return vars;
}

EnvLookup with_dotenv(EnvLookup env, std::map<std::string, std::string> file) {
  return [env = std::move(env), file = std::move(file)](const std::string& name) {
    if (auto v = env(name)) return v;
    auto it = file.find(name);
    return it == file.end() ? std::optional<std::string>() : std::optional<std::string>(it->second);
  };
}

EnvLookup load_dotenv(const std::string& path, EnvLookup env) {
  std::error_code ec;
  const std::string file = path.empty() ? ".env" : path;
  if (path.empty() && !std::filesystem::is_regular_file(file, ec)) return env;
  if (!std::filesystem::is_regular_file(file, ec)) {
    throw usage_error(fmt::format("--env-file {}: no such file", file));
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  if (!in && !in.eof()) throw usage_error(fmt::format("--env-file {}: cannot read it", file));
  return with_dotenv(std::move(env), parse_dotenv(content.str(), file));
}

}  // namespace tide
