#include "bootstrap.hpp"

#include "core/crypto.hpp"
#include "tenancy/token_format.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace ferry {

namespace {

void write_durably(const std::filesystem::path& path, const std::string& content) {
    const std::filesystem::path tmp = path.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot write " + tmp.string() + ": " + std::strerror(errno));
    const bool ok =
        ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0)
        throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
    const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

}  // namespace

void prepare_data_dir(const std::filesystem::path& data_dir) {
    std::error_code ec;
    const bool created = std::filesystem::create_directories(data_dir, ec);
    if (ec) throw std::runtime_error("cannot create data directory " + data_dir.string() + ": " + ec.message());
    // A directory ferryd makes is private; an existing one the operator chose keeps its mode.
    if (created) std::filesystem::permissions(data_dir, std::filesystem::perms::owner_all, ec);
}

OperatorToken ensure_operator_token(Store& store, const std::filesystem::path& data_dir, const char* env_value) {
    if (env_value != nullptr && *env_value != '\0') {
        if (std::strlen(env_value) < 24)
            throw std::runtime_error("FERRY_OPERATOR_TOKEN must be at least 24 characters");
        return OperatorToken{token_format::hash(env_value), {}};
    }
    if (auto stored = store.read([](Tx& tx) { return tx.meta("operator_token_hash"); }))
        return OperatorToken{*stored, {}};
    // The file is written before the hash is committed: a crash in between leaves no hash, and the
    // next start simply makes a new token.
    const std::string secret = token_format::generate();
    write_durably(data_dir / "operator-token", secret + "\n");
    const std::string hash = token_format::hash(secret);
    store.write([&](Tx& tx) { tx.set_meta("operator_token_hash", hash); });
    return OperatorToken{hash, secret};
}

std::string ensure_node_id(const std::filesystem::path& data_dir) {
    const auto path = data_dir / "node-id";
    std::ifstream in(path);
    std::string id;
    if (in && std::getline(in, id) && id.size() == 16) return id;
    id = crypto::random_hex(8);
    write_durably(path, id + "\n");
    return id;
}

}  // namespace ferry
