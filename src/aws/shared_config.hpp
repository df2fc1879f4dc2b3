// The shared AWS config and credentials files (~/.aws/config, ~/.aws/credentials), read the
// way botocore reads them: `[default]` and `[profile NAME]` in config, `[NAME]` in credentials.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tide::aws {

using IniSection = std::map<std::string, std::string>;
using IniFile = std::vector<std::pair<std::string, IniSection>>;  // sections in file order

// An INI reader that accepts what botocore's (Python's strict RawConfigParser) accepts: `#`/`;`
// comment lines, `key = value` or `key: value`, keys lower-cased, indented lines continue a
// value (nested sections such as `s3 =` are kept as one value). Like botocore, it refuses a
// duplicate section, a duplicate key within a section, a key before any section and a line
// that is not `key = value`: CredentialError naming `origin` (the file) and the line.
IniFile parse_ini(const std::string& text, const std::string& origin);

class SharedConfig {
 public:
  // AWS_CONFIG_FILE or ~/.aws/config; AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials.
  // Missing files are empty; an unreadable existing file is an error.
  static SharedConfig load();
  static SharedConfig from_text(const std::string& config, const std::string& credentials,
                                const std::string& config_origin = "config file",
                                const std::string& credentials_origin = "credentials file");

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

// The profile in use: `explicit_profile` (aws_profile:), else AWS_DEFAULT_PROFILE, else
// AWS_PROFILE (botocore reads them in that order), else "default".
std::string selected_profile(const std::string& explicit_profile);

// Value of `key` in `section`, or "".
std::string ini_get(const IniSection& section, const std::string& key);

}  // namespace tide::aws
