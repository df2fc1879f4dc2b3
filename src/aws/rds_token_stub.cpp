// Placeholder until the IAM module lands (branch aws); removed at that merge.
#include "tide/aws/rds_token.hpp"
#include "tide/error.hpp"

namespace tide::aws {
struct RdsTokenProvider::Impl {
  IamTarget target;
};
RdsTokenProvider::RdsTokenProvider(IamTarget target) : impl_(new Impl{std::move(target)}) {}
RdsTokenProvider::~RdsTokenProvider() = default;
std::string RdsTokenProvider::token() { throw Error(ExitCode::kUsage, "IAM auth is not built yet"); }
const IamTarget& RdsTokenProvider::target() const { return impl_->target; }
std::string region_from_rds_host(const std::string&) { return ""; }
}  // namespace tide::aws
