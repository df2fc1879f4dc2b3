// Reading ~/.aws/config and ~/.aws/credentials (see shared_config.hpp).
#include "aws/shared_config.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "aws/provider.hpp"
#include "aws/text.hpp"

namespace tide::aws {
namespace {

std::string read_optional_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT || errno == ENOTDIR) return "";
    throw CredentialError("cannot read " + path + ": " + std::strerror(errno));
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string expand_home(const std::string& path) {
  if (path.size() >= 1 && path[0] == '~') return env("HOME") + path.substr(1);
  return path;
}

}  // namespace

std::string ini_get(const IniSection& section, const std::string& key) {
  auto it = section.find(key);
  return it == section.end() ? "" : it->second;
}

IniFile parse_ini(const std::string& text) {
  IniFile out;
  IniSection* current = nullptr;
  std::string last_key;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (line[0] == ' ' || line[0] == '\t') {  // continuation of the previous value
      if (current && !last_key.empty()) (*current)[last_key] += "\n" + t;
      continue;
    }
    if (t[0] == '[') {
      auto close = t.find(']');
      current = close == std::string::npos ? nullptr : &out[trim(t.substr(1, close - 1))];
      last_key.clear();
      continue;
    }
    auto sep = t.find_first_of("=:");
    if (!current || sep == std::string::npos) continue;  // stray line: ignored, like botocore
    last_key = lower(trim(t.substr(0, sep)));
    (*current)[last_key] = trim(t.substr(sep + 1));
  }
  return out;
}

SharedConfig SharedConfig::from_text(const std::string& config, const std::string& credentials) {
  SharedConfig c;
  for (auto& [name, section] : parse_ini(config)) {
    if (name == "default") {
      c.config_[name] = section;
    } else if (name.rfind("profile ", 0) == 0) {
      c.config_[trim(name.substr(8))] = section;  // [profile default] is default too
    }
  }
  c.credentials_ = parse_ini(credentials);
  return c;
}

SharedConfig SharedConfig::load() {
  std::string config_path = env("AWS_CONFIG_FILE");
  if (config_path.empty()) config_path = "~/.aws/config";
  std::string creds_path = env("AWS_SHARED_CREDENTIALS_FILE");
  if (creds_path.empty()) creds_path = "~/.aws/credentials";
  config_path = expand_home(config_path);
  creds_path = expand_home(creds_path);
  SharedConfig c = from_text(read_optional_file(config_path), read_optional_file(creds_path));
  c.config_path = config_path;
  c.credentials_path = creds_path;
  return c;
}

const IniSection* SharedConfig::config_profile(const std::string& name) const {
  auto it = config_.find(name);
  return it == config_.end() ? nullptr : &it->second;
}

const IniSection* SharedConfig::credentials_profile(const std::string& name) const {
  auto it = credentials_.find(name);
  return it == credentials_.end() ? nullptr : &it->second;
}

IniSection SharedConfig::merged(const std::string& name) const {
  IniSection out;
  if (auto* p = config_profile(name)) out = *p;
  if (auto* p = credentials_profile(name)) {
    for (const auto& [k, v] : *p) out[k] = v;
  }
  return out;
}

bool SharedConfig::has_profile(const std::string& name) const {
  return config_profile(name) || credentials_profile(name);
}

}  // namespace tide::aws
