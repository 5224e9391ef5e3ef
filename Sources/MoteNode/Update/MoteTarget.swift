/// Beyond TUF: what a Mote image's target says in `custom.mote` (docs/update-repository.md):
/// the board ids it is for and an image version that must increase. A board refuses an image
/// for other hardware, and one whose version is not above the installed one (a replayed old
/// image, validly signed, is a rollback).
public struct MoteTargetInfo: Equatable, Sendable {
    public var hardwareIDs: [String]
    public var imageVersion: Int64

    public init(hardwareIDs: [String], imageVersion: Int64) {
        self.hardwareIDs = hardwareIDs
        self.imageVersion = imageVersion
    }

    /// Reads `custom.mote`; the error names the target and the field.
    public init(_ target: TUFTargetFile) throws(TUFUpdateError) {
        func fail(_ reason: String) -> TUFUpdateError { TUFUpdateError(file: target.path, .refused, reason) }
        guard case .object(let custom)? = target.custom, case .object(let mote)? = custom["mote"] else {
            throw fail("custom.mote is missing: not a Mote image (no hardware ids, no image version)")
        }
        guard case .array(let ids)? = mote["hardware_ids"], !ids.isEmpty else {
            throw fail("custom.mote.hardware_ids: expected a non-empty array of board ids")
        }
        var hardwareIDs: [String] = []
        for id in ids {
            guard case .string(let text) = id else { throw fail("custom.mote.hardware_ids: expected strings, found \(id.typeName)") }
            hardwareIDs.append(text)
        }
        guard case .integer(let version)? = mote["image_version"], version >= 1 else {
            throw fail("custom.mote.image_version: expected a positive integer")
        }
        self.hardwareIDs = hardwareIDs
        self.imageVersion = version
    }

    /// Throws unless the image is for `hardwareID` and newer than `installedVersion` (nil: any).
    public func check(target: String, hardwareID: String?, installedVersion: Int64?) throws(TUFUpdateError) {
        if let hardwareID, !hardwareIDs.contains(where: { $0.utf8.elementsEqual(hardwareID.utf8) }) {
            var list = ""
            for id in hardwareIDs { list += (list.isEmpty ? "" : ", ") + id }
            throw TUFUpdateError(file: target, .refused, "the image is for \(list), not for this board (\(hardwareID))")
        }
        if let installedVersion, imageVersion <= installedVersion {
            throw TUFUpdateError(file: target, .refused, "image version \(imageVersion) is not above the installed version \(installedVersion) (downgrade)")
        }
    }
}
