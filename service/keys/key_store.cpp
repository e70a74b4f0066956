#include "keys/key_store.hpp"

#include "packager/signing.hpp"
#include "store/store.hpp"

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
    return packager::SigningKeyRecord{tenant, key.key_id, key.public_pem, true, now, {}};
}

std::string FileKeyStore::private_pem(const std::string& tenant, const std::string& key_id) const {
    std::ifstream in(dir_ / tenant / file_name(key_id));
    if (!in) throw std::runtime_error("the signing key " + key_id + " is missing from the data directory");
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

DatabaseKeyStore::DatabaseKeyStore(Store& store, KekRing ring, std::optional<std::filesystem::path> legacy_dir)
    : store_(store), ring_(std::move(ring)) {
    if (legacy_dir) legacy_.emplace(*legacy_dir);
}

packager::SigningKeyRecord DatabaseKeyStore::create(const std::string& tenant, Timestamp now) const {
    const packager::SigningKey key = packager::generate_signing_key();
    return packager::SigningKeyRecord{tenant, key.key_id, key.public_pem,
                                      true,   now,        wrap(ring_.current, tenant, key.key_id, key.private_pem)};
}

std::string DatabaseKeyStore::private_pem(const std::string& tenant, const std::string& key_id) const {
    const auto wrapped = store_.read([&](Tx& tx) -> std::optional<std::string> {
        for (const auto& k : tx.signing_keys(tenant))
            if (k.key_id == key_id) return k.wrapped_private;
        return std::nullopt;
    });
    if (!wrapped) throw std::runtime_error("the signing key " + key_id + " is unknown");
    if (wrapped->empty()) {
        if (legacy_) return legacy_->private_pem(tenant, key_id);
        throw std::runtime_error("the signing key " + key_id + " is in no keys directory and not in the database");
    }
    return unwrap(ring_, tenant, key_id, *wrapped);
}

std::size_t import_key_files(Tx& tx, const Kek& kek, const std::filesystem::path& dir) {
    if (!std::filesystem::is_directory(dir)) return 0;
    const FileKeyStore files(dir);
    std::size_t imported = 0;
    for (const auto& tenant : tx.tenants()) {
        for (const auto& k : tx.signing_keys(tenant.id)) {
            if (!k.wrapped_private.empty() || !std::filesystem::exists(dir / tenant.id / file_name(k.key_id))) continue;
            const std::string pem = files.private_pem(tenant.id, k.key_id);
            // The file must be the private half of this record's public key.
            const std::string probe = "ferry key import " + k.key_id;
            if (!packager::verify(k.public_pem, probe, packager::sign(pem, probe)))
                throw std::runtime_error("the key file of " + k.key_id + " does not match its public key");
            tx.set_wrapped_signing_key(tenant.id, k.key_id, wrap(kek, tenant.id, k.key_id, pem));
            ++imported;
        }
    }
    return imported;
}

std::size_t import_key_files(Store& store, const Kek& kek, const std::filesystem::path& dir) {
    if (!std::filesystem::is_directory(dir)) return 0;
    return store.write([&](Tx& tx) { return import_key_files(tx, kek, dir); });
}

std::size_t rewrap_keys(Store& store, const KekRing& ring) {
    return store.write([&](Tx& tx) {
        std::size_t rewrapped = 0;
        for (const auto& tenant : tx.tenants()) {
            for (const auto& k : tx.signing_keys(tenant.id)) {
                if (k.wrapped_private.empty() || wrapped_kek_id(k.wrapped_private) == ring.current.id()) continue;
                const std::string pem = unwrap(ring, tenant.id, k.key_id, k.wrapped_private);
                tx.set_wrapped_signing_key(tenant.id, k.key_id, wrap(ring.current, tenant.id, k.key_id, pem));
                ++rewrapped;
            }
        }
        return rewrapped;
    });
}

}  // namespace ferry::keys
