import Foundation
import Testing
import MoteTools

@Suite struct PlotMathTests {
    func points(_ pairs: [(Double, Double)]) -> [PlotPoint] { pairs.map { PlotPoint(t: $0.0, value: $0.1) } }

    /// Raw 1 2 3 4 5 at t = 0…4, sent 2 at t = 1 and 4 at t = 3. The hold gives 2 2 4 4 from t = 1
    /// (t = 0 is before the first transmission): errors 0 1 0 1, RMS √(2/4).
    @Test func zeroOrderHoldRMSHandExample() {
        let raw = points([(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)])
        let sent = points([(1, 2), (3, 4)])
        #expect(PlotMath.zeroOrderHoldRMS(raw: raw, transmitted: sent) == (0.5).squareRoot())
        // Held, not interpolated: one value sent at the start is compared with everything after it.
        #expect(PlotMath.zeroOrderHoldRMS(raw: raw, transmitted: points([(0, 3)])) == (10.0 / 5).squareRoot())
        #expect(PlotMath.zeroOrderHoldRMS(raw: raw, transmitted: []) == nil)
        #expect(PlotMath.zeroOrderHoldRMS(raw: raw, transmitted: points([(9, 1)])) == nil)
    }

    @Test func decimationKeepsMinAndMaxPerColumnInTimeOrder() {
        let series = points([(0, 1), (1, 5), (2, 3), (3, 2), (4, 4), (5, 0)])
        #expect(PlotMath.decimate(series, from: 0, to: 6, columns: 2) == points([(0, 1), (1, 5), (4, 4), (5, 0)]))
        // Already small enough (≤ 2 per column): unchanged.
        #expect(PlotMath.decimate(series, from: 0, to: 6, columns: 3) == series)
    }

    @Test func decimationBoundsOnADay() {
        var day = (0..<86_400).map { i in PlotPoint(t: Double(i) * 1000, value: sin(Double(i) / 3000)) }
        day[40_000].value += 9
        day[70_001].value -= 7
        let out = PlotMath.decimate(day, from: 0, to: 86_399_000, columns: 900)
        #expect(out.count <= 1800)
        #expect(out.count >= 900)
        #expect(out.contains(day[40_000]))                          // the spike up survives
        #expect(out.contains(day[70_001]))                          // and the one down
        #expect(zip(out, out.dropFirst()).allSatisfy { $0.t < $1.t })
        #expect(out.allSatisfy { day[Int($0.t / 1000)] == $0 })      // only real samples
    }

    @Test func niceTicks() {
        let a = PlotMath.niceScale(0.3, 9.7, target: 5)
        #expect(a.step == 2)
        #expect(a.ticks.map(\.value) == [0, 2, 4, 6, 8, 10])
        #expect(a.ticks.map(\.label) == ["0", "2", "4", "6", "8", "10"])
        let b = PlotMath.niceScale(21.3, 21.9, target: 4)
        #expect(b.ticks.map(\.value) == [21.2, 21.4, 21.6, 21.8, 22.0])
        #expect(b.ticks.map(\.label) == ["21.2", "21.4", "21.6", "21.8", "22.0"])
        let c = PlotMath.niceScale(0, 1500, target: 4)
        #expect(c.ticks.map(\.label) == ["0", "500", "1000", "1500"])
        let flat = PlotMath.niceScale(5, 5, target: 4)
        #expect(flat.lower == 4.5 && flat.upper == 5.5)
    }

    @Test func timeTicksBySpan() {
        #expect(PlotMath.timeTicks(from: 0, to: 300_000).map(\.label) == ["0 s", "50 s", "100 s", "150 s", "200 s", "250 s", "300 s"])
        #expect(PlotMath.timeTicks(from: 0, to: 86_400_000).map(\.label)
            == ["0:00", "3:00", "6:00", "9:00", "12:00", "15:00", "18:00", "21:00", "24:00"])
        let half = PlotMath.timeTicks(from: 3_600_000, to: 5_400_000)
        #expect(half.map(\.label) == ["1:00", "1:05", "1:10", "1:15", "1:20", "1:25", "1:30"])
        #expect(half.first?.value == 3_600_000)
    }

    @Test func fixedFormatting() {
        #expect(Fixed.format(1234.5678, decimals: 2) == "1234.57")
        #expect(Fixed.format(-1.5, decimals: 1) == "-1.5")
        #expect(Fixed.format(-0.004, decimals: 2) == "0.00")
        #expect(Fixed.format(7, decimals: 0) == "7")
        #expect(Fixed.compact(12.0) == "12")
        #expect(Fixed.compact(-0.04) == "0")
        #expect(Fixed.significant(0.012345) == "0.0123")
        #expect(Fixed.significant(12.345) == "12.3")
        #expect(PlotMath.sentText(sent: 37, sampled: 8640) == "sent 37 / 8640 (0.43 %)")
        #expect(PlotMath.spanText(93_787_000) == "26:03:07")
    }
}
