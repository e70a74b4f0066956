#include "keys/key_store.hpp"

#include "packager/signing.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ferry::keys {

namespace {

std::string file_name(const std::string& key_id) {
    std::string name = key_id;
    for (char& c : name)
        if (c == ':') c = '_';
    return name + ".pem";
}

}  // namespace

FileKeyStore::FileKeyStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

packager::SigningKeyRecord FileKeyStore::create(const std::string& tenant, Timestamp now) const {
    const packager::SigningKey key = packager::generate_signing_key();
    const auto tenant_dir = dir_ / tenant;
    std::filesystem::create_directories(tenant_dir);
    std::filesystem::permissions(dir_, std::filesystem::perms::owner_all);
    std::filesystem::permissions(tenant_dir, std::filesystem::perms::owner_all);
    const auto path = tenant_dir / file_name(key.key_id);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot write signing key: " + std::string(std::strerror(errno)));
    const bool ok =
        ::write(fd, key.private_pem.data(), key.private_pem.size()) == static_cast<ssize_t>(key.private_pem.size()) &&
        ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) throw std::runtime_error("cannot write signing key");
    const int dirfd = ::open(tenant_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd >= 0) {
        ::fsync(dirfd);
        ::close(dirfd);
    }
    return packager::SigningKeyRecord{tenant, key.key_id, key.public_pem, true, now};
}

std::string FileKeyStore::private_pem(const std::string& tenant, const std::string& key_id) const {
    std::ifstream in(dir_ / tenant / file_name(key_id));
    if (!in) throw std::runtime_error("the signing key " + key_id + " is missing from the data directory");
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace ferry::keys
