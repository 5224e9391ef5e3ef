import MoteHAL

/// ECDSA P-256 and RSA-PSS-SHA256 fixtures, made once with the openssl CLI (OpenSSL 3.0) and
/// checked then with securesystemslib 1.6 (python-tuf's verifier: `SSlibKey.verify_signature`
/// accepted ecdsa.der, rsaPSSSalt32 and rsaPSSSaltMax and refused rsaPKCS1). The private keys were
/// thrown away.
///
///   printf '%s' "$MESSAGE" > message        # the message below, no newline
///   openssl ecparam -name prime256v1 -genkey -noout -out ec-private.pem
///   openssl pkey -in ec-private.pem -pubout -out ec-public.pem
///   openssl dgst -sha256 -sign ec-private.pem -out ec.sig message
///   openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out rsa-private.pem
///   openssl pkey -in rsa-private.pem -pubout -out rsa-public.pem
///   openssl dgst -sha256 -sign rsa-private.pem -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 \
///     -sigopt rsa_mgf1_md:sha256 -out rsa-pss-32.sig message     # salt = digest length, as securesystemslib signs
///   (the same with rsa_pss_saltlen:max)                            # -> rsa-pss-max.sig
///   openssl dgst -sha256 -sign rsa-private.pem -out rsa-pkcs1.sig message   # PKCS#1 v1.5: not PSS
///   openssl ecparam -name secp384r1 -genkey -noout -out p384-private.pem; openssl pkey -in p384-private.pem -pubout
///   openssl genpkey -algorithm ed25519 -out ed-private.pem; openssl pkey -in ed-private.pem -pubout
enum SignatureFixtures {
    /// Canonical JSON of a TUF role's "signed", as metadata signatures cover it.
    static let message = Array(#"{"_type":"targets","expires":"2030-01-01T00:00:00Z","spec_version":"1.0.31","targets":{},"version":1}"#.utf8)

    static let ecPublicKey = Array("""
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEzGl3wGahdHXacp1cfRiDiPZlLEDa
        jMkbX63q060A1i8BnCIxUBxBMrjh4Y4omRxlnPQe8f17BwnEycKjo2DEDw==
        -----END PUBLIC KEY-----

        """.utf8)

    /// DER ECDSA-Sig-Value, 72 bytes.
    static let ecSignature = Hex.decode([
        "3046022100b68634fa0d780187041e04b1b86f0fd21ebaaf9fbcd56d1cf7752cfb61f99f8e022100d92ea6cb0b8ad175",
        "e9996999c0fd0bd3c9d44337318edb4bee5878addd71f216",
    ].joined())!

    static let rsaPublicKey = Array("""
        -----BEGIN PUBLIC KEY-----
        MIIBojANBgkqhkiG9w0BAQEFAAOCAY8AMIIBigKCAYEAxp5HyivhXsw2oW46UWhn
        tAWYfLE8RMaPegaeRbUpTzJX44BHQSRcJ3/NwXd40X6b4XkjYVwpFcgQTokKd7ml
        Y4HfzVW5WxaExHm8XBss2JHOZoXlQzv/OMMn5b9zUFjh1I2gvw+xuFpSVHCyKNFo
        8Tb0TysbAyrxOiJtMtYXgyPe99b0eqikmLwyLcW7fRlWky2UvmUvX2Y6ud3FAcuo
        J3GiJwBq4tVKNISK1PqG4IgNsX1YBSfpQbaN6zq/g2hBTDm+VaRr3wIT/5W5Vd2t
        XMVKNbthke2hqch+rYSOY25ixjjZr0Bwbstr5dv9BgctoenJKG6y0gEAR+pRA3y9
        G3bVdUTxt3b25TKfPxWRCTUMFS25mDt9U8Ml/Vr0x3lcPW9Ylpk/0AAfwjuwaKjV
        YLEzQmo6RKCQoP/d5C92k7ufaN7acOOmNiN6iEF6A2BwjmgFQtXtzh+TTW35bBeD
        L0nf7XURPRJjRKDKKsZiA6qgFk9KAPGrNHQklZr8LPUBAgMBAAE=
        -----END PUBLIC KEY-----

        """.utf8)

    static let rsaPSSSalt32 = Hex.decode([
        "22c71f9e097b9ce3928cd652010c78ec20fb85da3dcb60b8c8f8dfcc1e51052a6054a140cf68996a4c7ad579bed41549",
        "149fe6dc273af22a452a2ba3a5e86d17026776b917f36cf4299143b3ba738a845b4b85054e56b21d50e33093fd1e6999",
        "65abbda689e694f318e04c4c3e1be4f1cb31e0fbde56bbf6f72197c4529d53dea858633225be0754f4bacb43cc981205",
        "c6778ca2c1d12133024f1bfeac39c6d6168b16f696162ad854ec31e00fab79f1871222ccf3a6a27e2b3b11de3797d379",
        "ef5b2e92c57c6c6fa1579ea9ce1fb0d037e55d75ce37bed616d83f44df70d06538cbb5ff116664c7f9adbe5b8930947d",
        "8208e6709f99c8563e6f8f30e0f6ecfd229d7e71f21eea8bb57f7c5205389eeff8a113ccbaf8e20f36014ab79b5a1652",
        "251556f22ed0a7c2c96b2d7cc66783a21693aa80df34e090d0b7e8574d29a8d5e44de8d5c82bcc5b49aa979ee113f2d7",
        "208143cf3956baa724f1d2d147efacbd4eaa95746df849ec38a6fc48549be267439f636d4b10ed18e68fc64a9e01d82a",
    ].joined())!

    static let rsaPSSSaltMax = Hex.decode([
        "5bc8055dfd46c31643a0a7e0d36ececfb809707e49e06e89cda40cacc611cd89a1f627f71d20ea39980c01e4e30fae0d",
        "e403af250e837663221c275809fd929550b8e3701699cfebbe8a22d5d1181a98c79a480111138e5780feed86c11ea2e1",
        "b5b4cba191276eab87deb6ea70c1ab9eaf60977847c1dd2489bbc5dca65ce281b1285f7ecd68fcce8a48b9bcfb2c07f1",
        "1de67de59f2ee7cfa16ec04b2355b41cc8df02d77106887dc58181135934dd688bb72149c45ba1aa7cc7ca09fa28fb1a",
        "ccdbd3f7897e964297d11f4fbfd4cbba836cc49f858215c74b699d603542cb67ff31e1e7bc01aa58f9c5579018d6ceb8",
        "13ff97f818028874c22b7619e40df74ef9c09381598a32d58a309a0f9b16c9580780a34493ce7c9ba093ecb52e39e829",
        "43aa9837f74dd9ebf46d8bb51bebaca3610f6e386e608d65223b5dce7e49bea7215c28e96a4e7340b3b127ea08353bf1",
        "0d251fc36428be24e088fb4e6f3ca7c887e26695155a1c7244dc2e145c410cbae2ad6f4bff719273ebc67a636e61c1a2",
    ].joined())!

    static let rsaPKCS1 = Hex.decode([
        "8b0352a08caf5685d389053d703206e7142a34d40d92b835822cd22ce9fc35a141ac32be5574791e342efe1c5b3948b0",
        "d58b41c7fca0c1378cc590cec882d647d5dae5886160b8860d7384f44c547b9bec4771987633b2dd03099fa24d119d4f",
        "7e9666f9d40cb374cdd865470cc5a6d91e76549b53fd44c8566978261398c5a01261a07bf96b8c84f8c1d1efd3736b1f",
        "754160b1c97f28b2b60faa85d841ae50f8446f24b6abd438ee8a7450da97205be667f2e15ab70522c8090db4d0d63e28",
        "f33e7c7f3c090ce6e10459ca02421d98696fcd6c462cbf8cf68461d4bf7875ba0f9f80cf7390098dad878108880535d5",
        "15d02ef930fac102149cd103555d5363ef251c5aad7c2b8c07368c9cf552315aa9811fec4a866f1867e67c8a71ec2a40",
        "2f23b4b424a9cf4151b76d1869889a0202f841533680615d6a645894bee68c247126b23759934a03b05ccedb503b051b",
        "9f6fbacb85739a07dc822e66b3dee6d8eb48cbc87be02dca5e06f6a2685aeacd704c3b2b7d854813fb2330bfdf3a309f",
    ].joined())!

    /// An EC key on another curve (P-384), and an Ed25519 key in PEM: keys of the wrong kind.
    static let p384PublicKey = Array("""
        -----BEGIN PUBLIC KEY-----
        MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEjAafWgRdsnFTeQH9MHmfC4ZTFmV+r7gi
        HnWjXgDoThqOJ8Dj1f2tenhDpQVv3GcMulPNmuJp4Lt87ByQ6kZZQAdrZyDms40B
        IIgwq5Xri8ns1jd8yZcL7Jt58qNTX6IT
        -----END PUBLIC KEY-----

        """.utf8)

    static let ed25519PEMPublicKey = Array("""
        -----BEGIN PUBLIC KEY-----
        MCowBQYDK2VwAyEA1gxiyq4Fx3vHZmY2t7pmKSDqi1Lx19e1F0ZdK7trNcQ=
        -----END PUBLIC KEY-----

        """.utf8)
}
