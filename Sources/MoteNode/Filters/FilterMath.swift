/// Math the filters need, written out so that every build (desktop, Embedded x86_64, aarch64,
/// armv7) computes bit-identical results. libm's `exp` would do, but its last bit may differ
/// between the FMA and non-FMA code paths of the boards' glibc builds, and the Embedded build
/// could only reach it through the experimental `@_extern` feature or another C shim.
public enum FilterMath {
    /// eˣ within about 1 ulp: x = k·ln 2 + r with |r| ≤ ½ ln 2 (Cody–Waite: ln 2 split in a
    /// high part whose products with k are exact and a low part), eʳ by its Taylor polynomial to
    /// r¹³ (remainder below 10⁻¹⁷), then scaled by 2ᵏ.
    public static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709.782712893384 { return .infinity }
        if x < -745.1332191019412 { return 0 }
        let k = (x * 1.4426950408889634).rounded(.toNearestOrEven)  // x / ln 2
        let r = (x - k * ln2High) - k * ln2Low
        var p = taylor[taylor.count - 1]
        for i in stride(from: taylor.count - 2, through: 0, by: -1) {
            p = p * r + taylor[i]
        }
        return Double(sign: .plus, exponent: Int(k), significand: p)
    }

    // fdlibm's split of ln 2: the high part has 32 significant bits, so k·ln2High is exact.
    private static let ln2High = 6.93147180369123816490e-01
    private static let ln2Low = 1.90821492927058770002e-10
    /// 1/n! for n = 0…13.
    private static let taylor: [Double] = [
        1, 1, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320,
        1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800,
    ]
}
