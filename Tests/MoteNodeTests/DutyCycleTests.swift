import Testing
import MoteHAL
import MoteNode

// Airtimes re-declared from the datasheet formula (see AirtimeTests and airtime_reference.py),
// not read from Airtime, so a wrong table fails here too.
private let eu868DR0Bytes11: Int64 = 1_482_752     // µs
private let eu868DR0Bytes51: Int64 = 2_793_472
private let us915DR0Bytes11: Int64 = 370_688
private let us915DR0Bytes51: Int64 = 698_368
private let us915DR0Bytes242: Int64 = 2_295_808
private let us915DR4Bytes0: Int64 = 20_608
private let day: Int64 = 86_400

private func at(seconds: Int64, microseconds: Int64 = 0) -> Instant {
    Instant(nanoseconds: seconds * 1_000_000_000 + microseconds * 1_000)
}

@Suite struct DutyCycleTests {
    // MARK: EU868 sub-band g1, 1 %

    @Test func afterOneSendTheSubBandIsOffForNinetyNineTimesTheAirtime() throws {
        var gate = try #require(DutyCycleBudget(link: .eu868, dataRate: 0))
        #expect(gate.dutyCyclePermille == 10)
        #expect(gate.earliestStart(payloadBytes: 11, now: at(seconds: 10)) == at(seconds: 10))   // nothing sent yet
        gate.record(payloadBytes: 11, at: at(seconds: 10))
        // 10 s + T + 99 T = 10 s + 148.2752 s
        let free = at(seconds: 10, microseconds: 100 * eu868DR0Bytes11)
        #expect(free == at(seconds: 158, microseconds: 275_200))
        #expect(gate.subBandFreeAt == free)
        #expect(gate.earliestStart(payloadBytes: 11, now: at(seconds: 11)) == free)
        // The off time depends on the frame that was sent, not on the one waiting.
        #expect(gate.earliestStart(payloadBytes: 0, now: at(seconds: 11)) == free)
        #expect(gate.earliestStart(payloadBytes: 51, now: at(seconds: 11)) == free)
        // At or after the instant, at once.
        #expect(gate.earliestStart(payloadBytes: 11, now: free) == free)
        #expect(gate.earliestStart(payloadBytes: 11, now: at(seconds: 200)) == at(seconds: 200))
    }

    @Test func afterTwoSendsTheLaterOneCounts() throws {
        var gate = try #require(DutyCycleBudget(link: .eu868, dataRate: 0))
        gate.record(payloadBytes: 11, at: at(seconds: 0))
        let first = gate.earliestStart(payloadBytes: 51, now: at(seconds: 1))
        #expect(first == at(seconds: 148, microseconds: 275_200))
        gate.record(payloadBytes: 51, at: first)
        // 148.2752 s + 100 × 2.793472 s = 427.6224 s
        #expect(gate.earliestStart(payloadBytes: 11, now: first) == at(seconds: 427, microseconds: 622_400))
        #expect(gate.earliestStart(payloadBytes: 11, now: first) == first + .microseconds(100 * eu868DR0Bytes51))
    }

    @Test func manySendsBackToBackSpaceOutExactly() throws {
        var gate = try #require(DutyCycleBudget(link: .eu868, dataRate: 0))
        var now = at(seconds: 0)
        for _ in 0..<1000 {
            now = gate.earliestStart(payloadBytes: 11, now: now)
            gate.record(payloadBytes: 11, at: now)
        }
        // 999 gaps of 100 T each after the first send at 0, and the sub-band free 100 T after the last.
        #expect(now == at(seconds: 0, microseconds: 999 * 100 * eu868DR0Bytes11))
        #expect(gate.earliestStart(payloadBytes: 11, now: now) == at(seconds: 0, microseconds: 1000 * 100 * eu868DR0Bytes11))
        #expect(gate.storedSends == 0)   // no fair use: nothing kept but one instant
    }

    @Test func aFasterDataRateShortensTheOffTime() throws {
        var gate = try #require(DutyCycleBudget(link: .eu868, dataRate: 0))
        let moved = gate.setDataRate(5)
        #expect(moved)
        gate.record(payloadBytes: 51, at: at(seconds: 0))
        #expect(gate.earliestStart(payloadBytes: 51, now: at(seconds: 0)) == at(seconds: 11, microseconds: 801_600))  // 100 × 118.016 ms
        let refused = gate.setDataRate(8)
        #expect(!refused)
        #expect(gate.dataRate == 5)
    }

    @Test func otherDutyCyclesAndRegions() throws {
        // 0.1 % (g2, say): 1000 T.
        var tight = try #require(DutyCycleBudget(link: .eu868, dataRate: 0, dutyCyclePermille: 1))
        tight.record(payloadBytes: 11, at: at(seconds: 0))
        #expect(tight.earliestStart(payloadBytes: 11, now: at(seconds: 0)) == at(seconds: 1482, microseconds: 752_000))
        // US915 and AS923: no duty cycle of their own.
        var us = try #require(DutyCycleBudget(link: .us915, dataRate: 0))
        us.record(payloadBytes: 11, at: at(seconds: 5))
        #expect(us.earliestStart(payloadBytes: 11, now: at(seconds: 5)) == at(seconds: 5))
        #expect(us.subBandFreeAt == nil)
        var asia = try #require(DutyCycleBudget(link: .as923, dataRate: 2))
        #expect(asia.dutyCyclePermille == nil)
        asia.record(payloadBytes: 11, at: at(seconds: 5))
        #expect(asia.earliestStart(payloadBytes: 11, now: at(seconds: 5)) == at(seconds: 5))
        // A country that wants 1 % in AS923 says so.
        var asiaOnePercent = try #require(DutyCycleBudget(link: .as923, dataRate: 2, dutyCyclePermille: 10))
        asiaOnePercent.record(payloadBytes: 11, at: at(seconds: 0))
        #expect(asiaOnePercent.earliestStart(payloadBytes: 11, now: at(seconds: 0)) == at(seconds: 37, microseconds: 68_800))
    }

    @Test func unusableSettingsAreRefused() {
        #expect(DutyCycleBudget(link: .sigfox, dataRate: 0) == nil)
        #expect(DutyCycleBudget(link: .us915, dataRate: 5) == nil)
        #expect(DutyCycleBudget(link: .eu868, dataRate: 0, dutyCyclePermille: 0) == nil)
        #expect(DutyCycleBudget(link: .eu868, dataRate: 0, dutyCyclePermille: 1001) == nil)
        #expect(DutyCycleBudget(link: .eu868, dataRate: 0, fairUse: .zero) == nil)
        #expect(DutyCycleBudget(link: .eu868, dataRate: 0, fairUse: .seconds(30), capacity: 1) == nil)
    }

    // MARK: Fair use, 30 s per rolling 24 h

    /// US915 DR0, 11 bytes: 80 frames (29.65504 s) fit 30 s, the 81st (30.025728 s) does not.
    @Test func theBudgetHoldsTheFrameUntilTheOldestSendLeavesTheWindow() throws {
        var gate = try #require(DutyCycleBudget(link: .us915, dataRate: 0, fairUse: .seconds(30)))
        for k: Int64 in 0..<80 {
            #expect(gate.earliestStart(payloadBytes: 11, now: at(seconds: 60 * k)) == at(seconds: 60 * k))
            gate.record(payloadBytes: 11, at: at(seconds: 60 * k))
        }
        #expect(gate.airtimeUsed(at: at(seconds: 4800)) == .microseconds(80 * us915DR0Bytes11))
        // The 81st waits for the first send (at 0) to leave the window.
        #expect(gate.earliestStart(payloadBytes: 11, now: at(seconds: 4800)) == at(seconds: day))
        // A 0-byte frame (288.768 ms) fits the 0.34496 s left.
        #expect(gate.earliestStart(payloadBytes: 0, now: at(seconds: 4800)) == at(seconds: 4800))
        // A 242-byte frame (2.295808 s) needs six sends gone: 29.65504 − 6 × 0.370688 ≤ 27.704192.
        #expect(gate.earliestStart(payloadBytes: 242, now: at(seconds: 4800)) == at(seconds: day + 5 * 60))
        // A 51-byte frame (0.698368 s) needs one.
        #expect(gate.earliestStart(payloadBytes: 51, now: at(seconds: 4800)) == at(seconds: day))
        _ = us915DR0Bytes51; _ = us915DR0Bytes242
    }

    @Test func theWindowRollsOver() throws {
        var gate = try #require(DutyCycleBudget(link: .us915, dataRate: 0, fairUse: .seconds(30)))
        for k: Int64 in 0..<80 { gate.record(payloadBytes: 11, at: at(seconds: 60 * k)) }
        var now = gate.earliestStart(payloadBytes: 11, now: at(seconds: 4800))
        #expect(now == at(seconds: day))
        gate.record(payloadBytes: 11, at: now)
        // At day + 0 the send at 0 has left; the next waits for the one at 60 s.
        now = gate.earliestStart(payloadBytes: 11, now: now)
        #expect(now == at(seconds: day + 60))
        gate.record(payloadBytes: 11, at: now)
        #expect(gate.storedSends == 80)   // the two that left the window were dropped
        // A day after the last of the first day, everything of it is gone.
        #expect(gate.airtimeUsed(at: at(seconds: day + 79 * 60)) == .microseconds(2 * us915DR0Bytes11))
        #expect(gate.airtimeUsed(at: at(seconds: 2 * day + 60)) == .zero)
        #expect(gate.earliestStart(payloadBytes: 242, now: at(seconds: 2 * day + 60)) == at(seconds: 2 * day + 60))
    }

    @Test func dutyCycleAndFairUseTogether() throws {
        // EU868 DR0, 11 bytes, 30 s a day: the sub-band allows one every 148.2752 s, fair use 20
        // (29.65504 s); the 21st waits for the first to leave the window.
        var gate = try #require(DutyCycleBudget(link: .eu868, dataRate: 0, fairUse: .seconds(30)))
        var now = at(seconds: 0)
        for _ in 0..<20 {
            now = gate.earliestStart(payloadBytes: 11, now: now)
            gate.record(payloadBytes: 11, at: now)
        }
        #expect(now == at(seconds: 0, microseconds: 19 * 100 * eu868DR0Bytes11))
        #expect(gate.earliestStart(payloadBytes: 11, now: now) == at(seconds: day))
        // The sub-band alone would allow it at 20 × 148.2752 s.
        #expect(gate.subBandFreeAt == at(seconds: 0, microseconds: 20 * 100 * eu868DR0Bytes11))
    }

    @Test func aFrameLongerThanTheWholeBudgetGoesWhenTheWindowIsEmpty() throws {
        var gate = try #require(DutyCycleBudget(link: .eu868, dataRate: 0, fairUse: .seconds(1)))
        #expect(gate.earliestStart(payloadBytes: 51, now: at(seconds: 0)) == at(seconds: 0))
        gate.record(payloadBytes: 51, at: at(seconds: 0))
        #expect(gate.earliestStart(payloadBytes: 51, now: at(seconds: 300)) == at(seconds: day))
    }

    // MARK: Bounded memory

    /// Capacity 2: the third send merges the first two into one at the later instant, which
    /// leaves the window a second later than the first would have: never sooner.
    @Test func aFullRingMergesTheOldestOnTheSafeSide() throws {
        let budget = TimeSpan.microseconds(3 * us915DR4Bytes0)
        var exact = try #require(DutyCycleBudget(link: .us915, dataRate: 4, fairUse: budget))
        var small = try #require(DutyCycleBudget(link: .us915, dataRate: 4, fairUse: budget, capacity: 2))
        for s: Int64 in 0..<3 {
            exact.record(payloadBytes: 0, at: at(seconds: s))
            small.record(payloadBytes: 0, at: at(seconds: s))
        }
        #expect(exact.storedSends == 3)
        #expect(exact.merges == 0)
        #expect(small.storedSends == 2)
        #expect(small.merges == 1)
        #expect(small.airtimeUsed(at: at(seconds: 3)) == .microseconds(3 * us915DR4Bytes0))
        #expect(exact.earliestStart(payloadBytes: 0, now: at(seconds: 3)) == at(seconds: day))
        #expect(small.earliestStart(payloadBytes: 0, now: at(seconds: 3)) == at(seconds: day + 1))
    }

    /// Twenty days of sending as often as the gate allows, US915 DR4 (no duty cycle): the ring
    /// never holds more than its capacity, and no 24 hours ever carry more than the budget.
    @Test func manySendsStayWithinTheBoundAndTheBudget() throws {
        let budget = TimeSpan.seconds(30)
        var gate = try #require(DutyCycleBudget(link: .us915, dataRate: 4, fairUse: budget, capacity: 100))
        var sends: [Int64] = []     // every start, ns: an independent account of the budget
        var now = at(seconds: 0)
        var largest = 0
        while now < at(seconds: 20 * day) {
            now = gate.earliestStart(payloadBytes: 0, now: now)
            gate.record(payloadBytes: 0, at: now)
            sends.append(now.nanoseconds)
            largest = max(largest, gate.storedSends)
            now = now + .seconds(1)
        }
        #expect(largest == 100)
        #expect(gate.merges > 0)
        // Airtime of the sends in (t − 24 h, t] for every send t: at most 30 s.
        var first = 0
        var worst: Int64 = 0
        for (i, t) in sends.enumerated() {
            while sends[first] + day * 1_000_000_000 <= t { first += 1 }
            worst = max(worst, Int64(i - first + 1) * us915DR4Bytes0)
        }
        #expect(worst <= 30_000_000)
        // 30 s / 20.608 ms = 1455 frames fit a day; the merged ring lets through no more.
        #expect(sends.count <= 20 * 1455 + 1455)
    }

    @Test func theDefaultRingIsExactForAWholeDayAtTheShortestUplink() throws {
        var gate = try #require(DutyCycleBudget(link: .us915, dataRate: 4, fairUse: .seconds(30)))
        var now = at(seconds: 0)
        var sent = 0
        while now < at(seconds: day) {
            now = gate.earliestStart(payloadBytes: 0, now: now)
            guard now < at(seconds: day) else { break }
            gate.record(payloadBytes: 0, at: now)
            sent += 1
            now = now + .seconds(1)
        }
        #expect(sent == 1455)            // floor(30 s / 20.608 ms)
        #expect(gate.storedSends == 1455)
        #expect(gate.merges == 0)
        #expect(gate.earliestStart(payloadBytes: 0, now: at(seconds: 1455)) == at(seconds: day))
    }

    @Test func sendsRecordedOutOfOrderKeepTheRingInOrder() throws {
        var gate = try #require(DutyCycleBudget(link: .us915, dataRate: 0, fairUse: .microseconds(2 * us915DR0Bytes11)))
        gate.record(payloadBytes: 11, at: at(seconds: 100))
        gate.record(payloadBytes: 11, at: at(seconds: 50))   // counted as if at 100 s: later, never sooner
        #expect(gate.earliestStart(payloadBytes: 11, now: at(seconds: 101)) == at(seconds: day + 100))
    }
}
