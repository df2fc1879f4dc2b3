// Reading ~/.aws/config and ~/.aws/credentials (see shared_config.hpp).
#include "aws/shared_config.hpp"

#include <cctype>
#include <optional>
#include <sstream>

#include "aws/provider.hpp"
#include "aws/text.hpp"
#include "tide/util/file.hpp"

namespace tide::aws {
namespace {

std::string read_optional_file(const std::string& path) {
  util::FileText text = util::read_file(path);
  if (text.missing) return "";
  if (!text) throw CredentialError("cannot read " + path + ": " + text.error);
  return std::move(*text.content);
}

std::string expand_home(const std::string& path) {
  if (path.size() >= 1 && path[0] == '~') return env("HOME") + path.substr(1);
  return path;
}

}  // namespace

std::string selected_profile(const std::string& explicit_profile) {
  if (!explicit_profile.empty()) return explicit_profile;
  if (std::string p = env("AWS_DEFAULT_PROFILE"); !p.empty()) return p;
  if (std::string p = env("AWS_PROFILE"); !p.empty()) return p;
  return "default";
}

std::string ini_get(const IniSection& section, const std::string& key) {
  auto it = section.find(key);
  return it == section.end() ? "" : it->second;
}

IniFile parse_ini(const std::string& text, const std::string& origin) {
  IniFile out;
  IniSection* current = nullptr;
  std::string last_key;
  std::istringstream lines(text);
  std::string line;
  int lineno = 0;
  auto error = [&](const std::string& what) {
    return CredentialError("cannot parse " + origin + " line " + std::to_string(lineno) + ": " +
                           what + " (botocore refuses this file too)");
  };
  while (std::getline(lines, line)) {
    ++lineno;
    util::drop_trailing_cr(line);
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if ((line[0] == ' ' || line[0] == '\t') && current && !last_key.empty()) {
      (*current)[last_key] += "\n" + t;  // continuation of the previous value
      continue;
    }
    if (auto close = t.rfind(']'); t[0] == '[' && close != std::string::npos && close > 1) {
      std::string name = t.substr(1, close - 1);  // not trimmed: configparser keeps spaces
      for (const auto& [seen, unused] : out) {
        if (seen == name) throw error("duplicate section [" + name + "]");
      }
      out.emplace_back(name, IniSection{});
      current = &out.back().second;
      last_key.clear();
      continue;
    }
    if (!current) throw error("a key before any [section]");
    auto sep = t.find_first_of("=:");
    std::string key = sep == std::string::npos ? "" : lower(trim(t.substr(0, sep)));
    if (key.empty()) throw error("not a `key = value` line");
    if (current->count(key)) throw error("duplicate key '" + key + "'");
    last_key = key;
    (*current)[key] = trim(t.substr(sep + 1));
  }
  return out;
}

namespace {

// The words of a config section name as Python's shlex.split sees them (quotes group words);
// nullopt when the quoting is unbalanced (botocore then ignores the section).
std::optional<std::vector<std::string>> shell_words(const std::string& s) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < s.size() &&
                 (s[i + 1] == '"' || s[i + 1] == '\\')) {
        word += s[++i];
      } else {
        word += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < s.size()) {
      word += s[++i];
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote) return std::nullopt;
  if (in_word) words.push_back(word);
  return words;
}

}  // namespace

SharedConfig SharedConfig::from_text(const std::string& config, const std::string& credentials,
                                     const std::string& config_origin,
                                     const std::string& credentials_origin) {
  SharedConfig c;
  // As botocore's build_profile_map: `[default]` and `[profile NAME]` (NAME may be quoted) are
  // profiles, in file order, so of `[default]` and `[profile default]` the later one wins.
  for (auto& [name, section] : parse_ini(config, config_origin)) {
    if (name == "default") {
      c.config_[name] = section;
    } else if (name.rfind("profile", 0) == 0) {
      auto words = shell_words(name);
      if (words && words->size() == 2) c.config_[(*words)[1]] = section;
    }
  }
  for (auto& [name, section] : parse_ini(credentials, credentials_origin)) {
    c.credentials_[name] = section;
  }
  return c;
}

SharedConfig SharedConfig::load() {
  std::string config_path = env("AWS_CONFIG_FILE");
  if (config_path.empty()) config_path = "~/.aws/config";
  std::string creds_path = env("AWS_SHARED_CREDENTIALS_FILE");
  if (creds_path.empty()) creds_path = "~/.aws/credentials";
  config_path = expand_home(config_path);
  creds_path = expand_home(creds_path);
  SharedConfig c = from_text(read_optional_file(config_path), read_optional_file(creds_path),
                             config_path, creds_path);
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
