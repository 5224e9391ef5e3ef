import Foundation

/// `motectl repo status`'s text: a line per role, a line per key, a line per target, then any
/// problem a client would refuse the repository for.
public enum RepositoryStatusText {
    public static func text(_ status: UpdateRepository.Status, now: Date) -> String {
        var out = "consistent snapshots: \(status.consistentSnapshot ? "yes" : "no")\n"
        for role in status.roles {
            let days = Int((role.expires.timeIntervalSince(now) / 86_400).rounded(.down))
            let left = role.expires <= now ? "EXPIRED" : days >= 1 ? "in \(days) day\(days == 1 ? "" : "s")" : "in under a day"
            out += "\(role.role.rawValue): version \(role.version), expires \(RepositoryTime.text(role.expires)) (\(left)), "
                + "\(role.validKeyIDs.count) valid signature\(role.validKeyIDs.count == 1 ? "" : "s") of threshold \(role.keys.threshold)\n"
            for keyid in role.keys.keyids {
                let type = status.keys[keyid]?.typeName ?? "?"
                out += "  key \(keyid) \(type)\(role.validKeyIDs.contains(keyid) ? " signed" : "")\n"
            }
        }
        out += "target files: \(status.targets.count)\n"
        for target in status.targets {
            var line = "  \(target.name): \(target.entry.length) bytes, sha256 \(target.entry.hashes["sha256"] ?? "-")"
            if let mote = target.entry.mote {
                line += ", image_version \(mote.imageVersion), hardware_ids \(mote.hardwareIDs.joined(separator: ","))"
            }
            out += line + "\n"
        }
        for problem in status.problems { out += "problem: \(problem)\n" }
        return out
    }
}
