import MoteLinux
import MoteNode

/// Work on a TUF repository that does not care which remote fetches it: `mote tuf-client` and
/// `mote update check` hand one to `TUFRemoteChoice.use`, which picks the remote the URLs need.
/// (A generic method, not an existential: the board build specializes it for both remotes.)
protocol TUFRemoteUser {
    associatedtype Output
    func use<Remote: TUFRemote>(_ remote: Remote) -> Output
}

enum TUFRemoteChoice {
    /// libcurl (`TUFFetchRemote`) for http://, https:// and file:// URLs, local directories
    /// (`TUFFileRemote`) for plain paths. `targetURL` nil: no target is fetched. Nil when a URL
    /// is neither.
    static func use<User: TUFRemoteUser>(metadataURL: String, targetURL: String?, _ user: User) -> User.Output? {
        if TUFFetchRemote.handles(metadataURL) && (targetURL.map { TUFFetchRemote.handles($0) } ?? true) {
            return user.use(TUFFetchRemote(metadataURL: metadataURL, targetURL: targetURL ?? ""))
        }
        guard let remote = TUFFileRemote(metadataURL: metadataURL, targetURL: targetURL ?? "") else { return nil }
        return user.use(remote)
    }
}
