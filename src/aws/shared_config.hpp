// The shared AWS config and credentials files (~/.aws/config, ~/.aws/credentials), read the
// way botocore reads them: `[default]` and `[profile NAME]` in config, `[NAME]` in credentials.
#pragma once

#include <map>
#include <string>

namespace tide::aws {

using IniSection = std::map<std::string, std::string>;
using IniFile = std::map<std::string, IniSection>;

// A lenient INI reader like Python's RawConfigParser: `#`/`;` comment lines, `key = value`
// or `key: value`, keys lower-cased, indented lines continue a value (nested sections such as
// `s3 =` are kept as one value). Later duplicates win.
IniFile parse_ini(const std::string& text);

class SharedConfig {
 public:
  // AWS_CONFIG_FILE or ~/.aws/config; AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials.
  // Missing files are empty; an unreadable existing file is an error.
  static SharedConfig load();
  static SharedConfig from_text(const std::string& config, const std::string& credentials);

  // The profile's keys from the config file, or nullptr.
  const IniSection* config_profile(const std::string& name) const;
  // The profile's keys from the credentials file, or nullptr.
  const IniSection* credentials_profile(const std::string& name) const;
  // Both merged, credentials file winning (botocore's full_config); empty when neither has it.
  IniSection merged(const std::string& name) const;
  bool has_profile(const std::string& name) const;

  std::string config_path;
  std::string credentials_path;

 private:
  std::map<std::string, IniSection> config_;
  std::map<std::string, IniSection> credentials_;
};

// Value of `key` in `section`, or "".
std::string ini_get(const IniSection& section, const std::string& key);

}  // namespace tide::aws
