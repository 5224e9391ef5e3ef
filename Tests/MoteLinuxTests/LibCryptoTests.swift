import Glibc
import MoteHAL
@testable import MoteLinux
import MoteNode
import Testing

/// RFC 8032 section 7.1, Ed25519: public key, message and signature of TEST 1, 2, 3, 1024 and
/// SHA(abc), re-declared here (not taken from the code under test). Transcribed, then checked
/// once with pyca/cryptography: each secret key gives the public key, and signing the message
/// (deterministic in Ed25519) gives the signature.
struct RFC8032Vector: CustomTestStringConvertible, Sendable {
    let name: String
    let publicKey: [UInt8]
    let message: [UInt8]
    let signature: [UInt8]

    init(name: String, publicKey: String, message: String, signature: String) {
        self.name = name
        self.publicKey = Hex.decode(publicKey)!
        self.message = Hex.decode(message)!
        self.signature = Hex.decode(signature)!
    }

    var testDescription: String { name }

    static let all = [
        RFC8032Vector(
            name: "TEST 1",
            publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            message: "",
            signature: [
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46b",
                "d25bf5f0595bbe24655141438e7a100b",
            ].joined()
        ),
        RFC8032Vector(
            name: "TEST 2",
            publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            message: "72",
            signature: [
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c",
                "387b2eaeb4302aeeb00d291612bb0c00",
            ].joined()
        ),
        RFC8032Vector(
            name: "TEST 3",
            publicKey: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            message: "af82",
            signature: [
                "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc659",
                "4a7c15e9716ed28dc027beceea1ec40a",
            ].joined()
        ),
        RFC8032Vector(
            name: "TEST 1024",
            publicKey: "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
            message: [
                "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12ee50f8f54e9f77b1",
                "e355f6c50544e23fb1433ddf73be84d879de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d",
                "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc1a858efcb8550ee3a5e1998bd177e93a",
                "7363c344fe6b199ee5d02e82d522c4feba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e",
                "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbefefd75499da96bd68a8a97b928a8bbc10",
                "3b6621fcde2beca1231d206be6cd9ec7aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1",
                "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2d17ba70eb6248e594e1a2297acbbb39d",
                "502f1a8c6eb6f1ce22b3de1a1f40cc24554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270",
                "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d9089b",
                "eccf80cfe2df16a2cf65bd92dd597b0707e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba",
                "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51addd3b75a2b1ae0784504df543af8969b",
                "e3ea7082ff7fc9888c144da2af58429ec96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7",
                "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c42f58c30c04aafdb038dda0847dd988d",
                "cda6f3bfd15c4b4c4525004aa06eeff8ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df",
                "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08d78ff4ef5d63653a65040cf9bfd4aca7",
                "984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4",
                "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a32ef5b52a1ecc820e308aa342721aac09",
                "43bf6686b64b2579376504ccc493d97e6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f",
                "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b50d334ba77c225bc307ba537152f3f161",
                "0e4eafe595f6d9d90d11faa933a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d",
                "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef68d3a101e8a3b8ca",
                "c60c905c15fc910840b94c00a0b9d0",
            ].joined(),
            signature: [
                "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c436d94b",
                "5e8fcd4f681e30a6ac00a9704a188a03",
            ].joined()
        ),
        RFC8032Vector(
            name: "TEST SHA(abc)",
            publicKey: "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
            message: [
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd",
                "454d4423643ce80e2a9ac94fa54ca49f",
            ].joined(),
            signature: [
                "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e030",
                "3dca179c138ac17ad9bef1177331a704",
            ].joined()
        ),
    ]
}

/// `bytes` with bit `bit` of byte `index` flipped.
private func flipped(_ bytes: [UInt8], byte index: Int, bit: Int = 0) -> [UInt8] {
    var copy = bytes
    copy[index] ^= UInt8(1) << UInt8(bit)
    return copy
}

private func outcome(_ scheme: SignatureScheme, key: [UInt8], message: [UInt8], signature: [UInt8]) -> CryptoError? {
    do throws(CryptoError) {
        try LibCrypto.verify(scheme: scheme, publicKey: key, message: message, signature: signature)
        return nil
    } catch {
        return error
    }
}

@Suite struct Ed25519Tests {
    static let invalid = CryptoError(.invalidSignature, scheme: .ed25519)

    @Test(arguments: RFC8032Vector.all) func theRFCVectorVerifies(_ vector: RFC8032Vector) {
        #expect(vector.publicKey.count == 32 && vector.signature.count == 64)
        #expect(outcome(.ed25519, key: vector.publicKey, message: vector.message, signature: vector.signature) == nil)
    }

    @Test(arguments: RFC8032Vector.all) func aFlippedBitAnywhereFails(_ vector: RFC8032Vector) {
        // The message's last bit (or, for TEST 1's empty message, one byte more).
        let message = vector.message.isEmpty ? [0x00] : flipped(vector.message, byte: vector.message.count - 1, bit: 7)
        #expect(outcome(.ed25519, key: vector.publicKey, message: message, signature: vector.signature) == Self.invalid)
        for index in [0, 31, 32, 63] {  // R's and S's first and last bytes
            #expect(outcome(.ed25519, key: vector.publicKey, message: vector.message, signature: flipped(vector.signature, byte: index)) == Self.invalid)
        }
        for index in [0, 31] {
            #expect(outcome(.ed25519, key: flipped(vector.publicKey, byte: index), message: vector.message, signature: vector.signature) == Self.invalid)
        }
    }

    @Test func anotherVectorsSignatureFails() {
        let (one, two) = (RFC8032Vector.all[1], RFC8032Vector.all[2])
        #expect(outcome(.ed25519, key: one.publicKey, message: one.message, signature: two.signature) == Self.invalid)
        #expect(outcome(.ed25519, key: two.publicKey, message: one.message, signature: one.signature) == Self.invalid)
    }

    @Test func aCutOrLongerSignatureFails() {
        let vector = RFC8032Vector.all[0]
        #expect(outcome(.ed25519, key: vector.publicKey, message: vector.message, signature: Array(vector.signature.dropLast())) == Self.invalid)
        #expect(outcome(.ed25519, key: vector.publicKey, message: vector.message, signature: vector.signature + [0]) == Self.invalid)
        #expect(outcome(.ed25519, key: vector.publicKey, message: vector.message, signature: []) == Self.invalid)
    }

    @Test func aKeyOfAnotherLengthIsABadKey() {
        let vector = RFC8032Vector.all[0]
        let error = outcome(.ed25519, key: Array(vector.publicKey.dropLast()), message: vector.message, signature: vector.signature)
        #expect(error == CryptoError(.badKey, scheme: .ed25519, reason: "31 bytes, not the 32 of a raw Ed25519 public key"))
        #expect(error?.description == "ed25519: bad key: 31 bytes, not the 32 of a raw Ed25519 public key")
        #expect(outcome(.ed25519, key: [], message: vector.message, signature: vector.signature)
                == CryptoError(.badKey, scheme: .ed25519, reason: "0 bytes, not the 32 of a raw Ed25519 public key"))
        // The hex text itself (as TUF metadata writes it) is not the key.
        #expect(outcome(.ed25519, key: Array(Hex.encode(vector.publicKey).utf8), message: vector.message, signature: vector.signature)
                == CryptoError(.badKey, scheme: .ed25519, reason: "64 bytes, not the 32 of a raw Ed25519 public key"))
    }
}

@Suite struct ECDSATests {
    static let scheme = SignatureScheme.ecdsaP256SHA256
    static let invalid = CryptoError(.invalidSignature, scheme: scheme)
    typealias F = SignatureFixtures

    @Test func theOpenSSLSignatureVerifies() {
        #expect(F.ecSignature.count == 72)
        #expect(outcome(Self.scheme, key: F.ecPublicKey, message: F.message, signature: F.ecSignature) == nil)
    }

    @Test func aTamperedMessageOrSignatureFails() {
        #expect(outcome(Self.scheme, key: F.ecPublicKey, message: flipped(F.message, byte: 10), signature: F.ecSignature) == Self.invalid)
        #expect(outcome(Self.scheme, key: F.ecPublicKey, message: F.message + [0x0A], signature: F.ecSignature) == Self.invalid)
        // The last byte of s; the DER framing (a length byte); a cut; no signature.
        #expect(outcome(Self.scheme, key: F.ecPublicKey, message: F.message, signature: flipped(F.ecSignature, byte: 71)) == Self.invalid)
        #expect(outcome(Self.scheme, key: F.ecPublicKey, message: F.message, signature: flipped(F.ecSignature, byte: 1)) == Self.invalid)
        #expect(outcome(Self.scheme, key: F.ecPublicKey, message: F.message, signature: Array(F.ecSignature.dropLast())) == Self.invalid)
        #expect(outcome(Self.scheme, key: F.ecPublicKey, message: F.message, signature: []) == Self.invalid)
        // A trailing byte after the DER value: not the canonical encoding.
        #expect(outcome(Self.scheme, key: F.ecPublicKey, message: F.message, signature: F.ecSignature + [0]) == Self.invalid)
    }

    @Test func keysOfAnotherKindAreBadKeys() {
        let wrong = CryptoError(.badKey, scheme: Self.scheme, reason: "not an EC key on P-256")
        #expect(outcome(Self.scheme, key: F.p384PublicKey, message: F.message, signature: F.ecSignature) == wrong)
        #expect(outcome(Self.scheme, key: F.rsaPublicKey, message: F.message, signature: F.ecSignature) == wrong)
        #expect(outcome(Self.scheme, key: F.ed25519PEMPublicKey, message: F.message, signature: F.ecSignature) == wrong)
    }

    @Test func aBadPEMIsABadKey() {
        let bad = CryptoError(.badKey, scheme: Self.scheme, reason: "not a PEM public key (-----BEGIN PUBLIC KEY-----, SubjectPublicKeyInfo)")
        var corrupted = F.ecPublicKey
        corrupted[40] = UInt8(ascii: "*")  // inside the base64
        #expect(outcome(Self.scheme, key: corrupted, message: F.message, signature: F.ecSignature) == bad)
        #expect(outcome(Self.scheme, key: Array(F.ecPublicKey.dropLast(30)), message: F.message, signature: F.ecSignature) == bad)
        #expect(outcome(Self.scheme, key: Array("not a key".utf8), message: F.message, signature: F.ecSignature) == bad)
        #expect(outcome(Self.scheme, key: [], message: F.message, signature: F.ecSignature) == bad)
        #expect(bad.description == "ecdsa-sha2-nistp256: bad key: not a PEM public key (-----BEGIN PUBLIC KEY-----, SubjectPublicKeyInfo)")
    }
}

@Suite struct RSAPSSTests {
    static let scheme = SignatureScheme.rsaPSSSHA256
    static let invalid = CryptoError(.invalidSignature, scheme: scheme)
    typealias F = SignatureFixtures

    @Test func saltsOfTheDigestsLengthAndTheMaximumBothVerify() {
        // securesystemslib signs with salt = 32 and verifies with any salt length (PSS.AUTO).
        #expect(F.rsaPSSSalt32.count == 384 && F.rsaPSSSaltMax.count == 384)
        #expect(outcome(Self.scheme, key: F.rsaPublicKey, message: F.message, signature: F.rsaPSSSalt32) == nil)
        #expect(outcome(Self.scheme, key: F.rsaPublicKey, message: F.message, signature: F.rsaPSSSaltMax) == nil)
    }

    @Test func aTamperedMessageOrSignatureOrAnotherPaddingFails() {
        #expect(outcome(Self.scheme, key: F.rsaPublicKey, message: flipped(F.message, byte: 0), signature: F.rsaPSSSalt32) == Self.invalid)
        #expect(outcome(Self.scheme, key: F.rsaPublicKey, message: F.message, signature: flipped(F.rsaPSSSalt32, byte: 383)) == Self.invalid)
        #expect(outcome(Self.scheme, key: F.rsaPublicKey, message: F.message, signature: flipped(F.rsaPSSSaltMax, byte: 0, bit: 3)) == Self.invalid)
        #expect(outcome(Self.scheme, key: F.rsaPublicKey, message: F.message, signature: Array(F.rsaPSSSalt32.dropLast())) == Self.invalid)
        // A valid PKCS#1 v1.5 signature of the same message by the same key is not a PSS one.
        #expect(outcome(Self.scheme, key: F.rsaPublicKey, message: F.message, signature: F.rsaPKCS1) == Self.invalid)
    }

    @Test func keysOfAnotherKindOrABadPEMAreBadKeys() {
        let wrong = CryptoError(.badKey, scheme: Self.scheme, reason: "not an RSA key")
        #expect(outcome(Self.scheme, key: F.ecPublicKey, message: F.message, signature: F.rsaPSSSalt32) == wrong)
        #expect(outcome(Self.scheme, key: F.ed25519PEMPublicKey, message: F.message, signature: F.rsaPSSSalt32) == wrong)
        #expect(wrong.description == "rsassa-pss-sha256: bad key: not an RSA key")
        var corrupted = F.rsaPublicKey
        corrupted.removeSubrange(100..<104)
        #expect(outcome(Self.scheme, key: corrupted, message: F.message, signature: F.rsaPSSSalt32)
                == CryptoError(.badKey, scheme: Self.scheme, reason: "not a PEM public key (-----BEGIN PUBLIC KEY-----, SubjectPublicKeyInfo)"))
    }
}

@Suite struct HashTests {
    static let nist448 = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)

    /// FIPS 180-4 example values (NIST's SHA examples) for "", "abc", the 448-bit message and a million 'a'.
    @Test func sha256OfTheNISTMessages() {
        #expect(Hex.encode(LibCrypto.SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hex.encode(LibCrypto.SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hex.encode(LibCrypto.SHA256.hash(Self.nist448)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Hex.encode(millionA(LibCrypto.SHA256())) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func sha512OfTheNISTMessages() {
        #expect(Hex.encode(LibCrypto.SHA512.hash([]))
                == "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e")
        #expect(Hex.encode(LibCrypto.SHA512.hash(Array("abc".utf8)))
                == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
        #expect(Hex.encode(LibCrypto.SHA512.hash(Self.nist448))
                == "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445")
        #expect(Hex.encode(millionA(LibCrypto.SHA512()))
                == "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b")
    }

    /// A million 'a' streamed in chunks of odd sizes (1, 7, 997, 65 537 bytes, round and round),
    /// none a multiple of the 64- or 128-byte block.
    private func millionA<H: UpdateHasher>(_ hasher: H) -> [UInt8] {
        let a = [UInt8](repeating: UInt8(ascii: "a"), count: 65_537)
        let sizes = [1, 7, 997, 65_537]
        var done = 0, turn = 0
        while done < 1_000_000 {
            let size = min(sizes[turn % sizes.count], 1_000_000 - done)
            hasher.update(a[0..<size])
            done += size
            turn += 1
        }
        return hasher.finalize()
    }

    @Test func finalizeStartsTheHashOver() {
        let hasher = LibCrypto.SHA256()
        hasher.update(Array("abc".utf8))
        let first = hasher.finalize()
        hasher.update(Array("abc".utf8))
        #expect(hasher.finalize() == first)
        #expect(Hex.encode(hasher.finalize()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    /// What the update verifier in MoteNode will do: use the platform's crypto through the protocol.
    private func digests<Crypto: UpdateCrypto>(_ crypto: Crypto.Type, of bytes: [UInt8]) -> ([UInt8], [UInt8]) {
        (Crypto.SHA256.hash(bytes), Crypto.SHA512.hash(bytes))
    }

    @Test func libCryptoServesTheVerifierGenerically() throws {
        let (sha256, sha512) = digests(LibCrypto.self, of: Array("abc".utf8))
        #expect(sha256.count == LibCrypto.SHA256.digestLength && sha256.count == 32)
        #expect(sha512.count == LibCrypto.SHA512.digestLength && sha512.count == 64)
        #expect(Hex.encode(sha512.prefix(4)) == "ddaf35a1")
    }
}

/// libcrypto is not linked: the shim loads libcrypto.so.3 on first use. Here it is installed; a
/// board without it is scripts/test's (MOTE_TEST_LIBCRYPTO names a library that is not there).
@Suite struct LibCryptoLoadingTests {
    /// mote_crypto_verify's codes, re-declared (mote_crypto.h).
    static let (valid, invalidSignature, badKey, wrongKeyType, failed, unavailable): (Int32, Int32, Int32, Int32, Int32, Int32) = (0, 1, 2, 3, 5, 6)
    static let reason = "libcrypto.so.3 cannot be loaded: libcrypto.so.3: cannot open shared object file: No such file or directory (install libssl3)"

    @Test func theBoardsSonameLoads() {
        #expect(LibCrypto.unavailable == nil)
    }

    @Test func aLibraryThatCannotBeLoadedFailsVerificationSayingWhy() {
        let error = LibCrypto.failure(Self.unavailable, scheme: .ed25519, keyLength: 32, unavailable: Self.reason)
        #expect(error == CryptoError(.failed, scheme: .ed25519, reason: Self.reason))
        #expect(error?.description == "ed25519: verification failed: " + Self.reason)
        #expect(LibCrypto.failure(Self.unavailable, scheme: .rsaPSSSHA256, keyLength: 0, unavailable: nil)?.description
                == "rsassa-pss-sha256: verification failed: libcrypto cannot be loaded")
    }

    @Test func theOtherCodesMapAsTheyDid() {
        #expect(LibCrypto.failure(Self.valid, scheme: .ed25519, keyLength: 32, unavailable: Self.reason) == nil)
        #expect(LibCrypto.failure(Self.invalidSignature, scheme: .ed25519, keyLength: 32, unavailable: Self.reason)
                == CryptoError(.invalidSignature, scheme: .ed25519))
        #expect(LibCrypto.failure(Self.badKey, scheme: .ed25519, keyLength: 31, unavailable: nil)
                == CryptoError(.badKey, scheme: .ed25519, reason: "31 bytes, not the 32 of a raw Ed25519 public key"))
        #expect(LibCrypto.failure(Self.wrongKeyType, scheme: .ecdsaP256SHA256, keyLength: 178, unavailable: nil)
                == CryptoError(.badKey, scheme: .ecdsaP256SHA256, reason: "not an EC key on P-256"))
        #expect(LibCrypto.failure(Self.failed, scheme: .ed25519, keyLength: 32, unavailable: Self.reason)
                == CryptoError(.failed, scheme: .ed25519, reason: "libcrypto failed (code 5)"))
    }
}

@Suite struct SignatureSchemeTests {
    @Test func namesAreTUFs() {
        #expect(SignatureScheme.allCases.map(\.name) == ["ed25519", "ecdsa-sha2-nistp256", "rsassa-pss-sha256"])
        for scheme in SignatureScheme.allCases { #expect(SignatureScheme(name: scheme.name) == scheme) }
        #expect(SignatureScheme(name: "rsa-pkcs1v15-sha256") == nil)
        #expect(SignatureScheme(name: "ED25519") == nil)
    }
}

@Suite struct ChunkedReadTests {
    @Test func aFileComesInFullChunksThenTheRest() throws {
        var template = Array("/tmp/mote-chunks-test-XXXXXX".utf8CString)
        let directory = String(cString: mkdtemp(&template)!)
        defer { _ = Files.list(directory).map { unlink(directory + "/" + $0) }; rmdir(directory) }
        let path = directory + "/target.bin"
        let bytes = (0..<200_001).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        #expect(Files.writeAtomically(path, bytes: bytes) == nil)

        var sizes: [Int] = []
        var read: [UInt8] = []
        #expect(Files.readChunks(path, chunkSize: 65_536) { sizes.append($0.count); read += $0 } == nil)
        #expect(sizes == [65_536, 65_536, 65_536, 3_393])
        #expect(read == bytes)

        let hasher = LibCrypto.SHA256()
        #expect(Files.readChunks(path, chunkSize: 4_099) { hasher.update($0) } == nil)
        #expect(hasher.finalize() == LibCrypto.SHA256.hash(bytes))

        #expect(Files.writeAtomically(path, bytes: []) == nil)
        var calls = 0
        #expect(Files.readChunks(path) { _ in calls += 1 } == nil)
        #expect(calls == 0)
    }

    @Test func aMissingFileOrADirectoryIsItsErrno() {
        #expect(Files.readChunks("/tmp/mote-no-such-file") { _ in } == .ENOENT)
        #expect(Files.readChunks("/tmp") { _ in } == .EISDIR)  // on the first read
    }
}
