// `.env` files, as dbmate (and docker compose, foreman, …) read them: KEY=value lines that
// add to the environment without overriding it.
#pragma once

#include <map>
#include <string>

#include "tide/config/config.hpp"

namespace tide {

// Parses a .env file: `KEY=value`, `export KEY=value`, '#' comments, 'single' (literal) and
// "double" quoted values (\n, \", \\ escapes), ` #` comments after unquoted values.
// Errors (exit 2) name the file and line.
std::map<std::string, std::string> parse_dotenv(const std::string& content,
                                                const std::string& path);

// The real environment first, then the file: a .env never overrides a variable that is set.
EnvLookup with_dotenv(EnvLookup env, std::map<std::string, std::string> file);

// Reads `path` when given (it must exist), else `.env` when present; returns `env` with it.
EnvLookup load_dotenv(const std::string& path, EnvLookup env);

}  // namespace tide
