import MoteHAL

/// The airtime rules of one region and network, as an `AirtimeGate`.
///
/// **Sub-band duty cycle** (EU868). The LoRaWAN Regional Parameters, EU863-870 "ISM band channel
/// frequencies" (RP 1.0.2rB §2.2.2, the text LoRaWAN 1.0 §7.1.2 introduced): each frame's time of
/// emission and time on air are recorded for its sub-band, and the sub-band may not be used again
/// for `Toff = TimeOnAir / DutyCycle − TimeOnAir`. The three default channels 868.1, 868.3 and
/// 868.5 MHz all lie in one ETSI EN 300 220 sub-band (g1 / "M", 868.0–868.6 MHz, 1 %), so after a
/// frame of T starting at t the next may start at t + T + 99 T = t + 100 T. Every uplink is counted
/// against that one sub-band: exact for a node on the default channels, and on the safe side when
/// the network adds channels in other sub-bands (the modem could then go sooner, never later).
/// Not applied: the aggregated duty cycle of `DutyCycleReq` (LoRaWAN L2 1.0.4 §5.3, 1/2^MaxDutyCycle;
/// 0 by default, which means none), which the modem handles.
///
/// **Fair use** (optional): at most `fairUse` of airtime in any rolling 24 hours, The Things
/// Network's 30 s a day. A frame waits until the sends of the last 24 hours plus its own airtime fit.
///
/// US915 has no duty cycle (its 400 ms dwell time is kept by `PayloadLimit`), nor has AS923 by
/// default: there the gate applies fair use only. Airtime is that of `dataRate`; a network that
/// moves the node (ADR) should be followed with `setDataRate`.
///
/// Memory: the sub-band needs one instant; fair use keeps a ring of the last day's sends, at most
/// `capacity` of them (16 bytes each: 2048 by default, 32 KiB, allocated on the first send). The
/// ring is exact while the day holds no more sends than that, which a 30 s budget guarantees on
/// every LoRa rate (the shortest uplink, US915 DR4 with no payload, is 20.608 ms: 1455 a day).
/// Past it, the two oldest sends merge into one at the later instant, which keeps the budget
/// (the merged airtime leaves the window later than it would have), never overspends it.
public struct DutyCycleBudget: AirtimeGate, Sendable {
    struct Send: Equatable, Sendable {
        var at: Instant
        var airtime: TimeSpan
    }

    public static let window = TimeSpan.seconds(86_400)
    public static let defaultCapacity = 2048

    public let link: PayloadLimit.Link
    public private(set) var dataRate: Int
    /// The sub-band's duty cycle in per mille (10 = 1 %); nil for none.
    public let dutyCyclePermille: Int?
    /// Airtime allowed per rolling 24 hours; nil for no limit.
    public let fairUse: TimeSpan?
    public let capacity: Int
    /// When the sub-band is free again; nil before the first send or without a duty cycle.
    public private(set) var subBandFreeAt: Instant?
    /// Sends merged because the ring was full (0 while the ring is exact).
    public private(set) var merges = 0

    private var ring: [Send] = []
    private var head = 0
    private var count = 0

    /// The region's own duty cycle: 1 % (g1) for EU868, none for US915 and AS923.
    public static func regionalDutyCyclePermille(_ link: PayloadLimit.Link) -> Int? {
        link == .eu868 ? 10 : nil
    }

    /// The region's rules at `dataRate`, with an optional fair-use budget. Nil when the link has no
    /// airtime figure at that rate (Sigfox, a rate the region lacks), a budget is not positive, or
    /// the capacity is below 2.
    public init?(link: PayloadLimit.Link, dataRate: Int, fairUse: TimeSpan? = nil, capacity: Int = defaultCapacity) {
        self.init(link: link, dataRate: dataRate, dutyCyclePermille: DutyCycleBudget.regionalDutyCyclePermille(link),
                  fairUse: fairUse, capacity: capacity)
    }

    /// As above with an explicit sub-band duty cycle (1...1000 per mille, or nil), for a country
    /// whose rules differ from the region's default.
    public init?(link: PayloadLimit.Link, dataRate: Int, dutyCyclePermille: Int?, fairUse: TimeSpan? = nil,
                 capacity: Int = defaultCapacity) {
        guard Airtime.modulation(link, dataRate: dataRate) != nil, capacity >= 2 else { return nil }
        if let permille = dutyCyclePermille, permille < 1 || permille > 1000 { return nil }
        if let budget = fairUse, budget.nanoseconds <= 0 { return nil }
        self.link = link
        self.dataRate = dataRate
        self.dutyCyclePermille = dutyCyclePermille
        self.fairUse = fairUse
        self.capacity = capacity
    }

    /// Follows the network to another data rate; false (and nothing changed) when the link has none.
    public mutating func setDataRate(_ rate: Int) -> Bool {
        guard Airtime.modulation(link, dataRate: rate) != nil else { return false }
        dataRate = rate
        return true
    }

    /// A size the link cannot carry has no airtime: the gate lets it through and the transport refuses it.
    public func earliestStart(payloadBytes: Int, now: Instant) -> Instant {
        guard let need = Airtime.uplink(payloadBytes: payloadBytes, link, dataRate: dataRate) else { return now }
        var start = now
        if let free = subBandFreeAt, free > start { start = free }
        if let budget = fairUse { start = fairUseStart(need: need, budget: budget, from: start) }
        return start
    }

    public mutating func record(payloadBytes: Int, at: Instant) {
        guard let airtime = Airtime.uplink(payloadBytes: payloadBytes, link, dataRate: dataRate) else { return }
        if let permille = dutyCyclePermille {
            // t + T / dutyCycle, rounded up to the nanosecond (exact for 1 %, 10 %, 0.1 %).
            let numerator = airtime.nanoseconds * 1000
            let end = at + TimeSpan(nanoseconds: (numerator + Int64(permille) - 1) / Int64(permille))
            if subBandFreeAt.map({ $0 < end }) ?? true { subBandFreeAt = end }
        }
        if fairUse != nil { remember(Send(at: at, airtime: airtime)) }
    }

    /// Airtime spent in the 24 hours up to `now` (0 without fair use: nothing is kept).
    public func airtimeUsed(at now: Instant) -> TimeSpan {
        var used = TimeSpan.zero
        for i in 0..<count where counts(send(i), at: now) { used = used + send(i).airtime }
        return used
    }

    /// The sends the ring holds now (at most `capacity`).
    public var storedSends: Int { count }

    // MARK: - The ring

    private func send(_ i: Int) -> Send { ring[(head + i) % capacity] }

    /// A send counts at `now` until 24 hours after it started.
    private func counts(_ s: Send, at now: Instant) -> Bool { now < s.at + DutyCycleBudget.window }

    private func fairUseStart(need: TimeSpan, budget: TimeSpan, from start: Instant) -> Instant {
        var first = 0
        while first < count, !counts(send(first), at: start) { first += 1 }
        var used = TimeSpan.zero
        for i in first..<count { used = used + send(i).airtime }
        if used + need <= budget { return start }
        // Sends leave the window oldest first; the frame goes when enough have left. A frame
        // longer than the whole budget goes once the window is empty rather than never.
        for i in first..<count {
            used = TimeSpan(nanoseconds: used.nanoseconds - send(i).airtime.nanoseconds)
            if used + need <= budget || i == count - 1 { return send(i).at + DutyCycleBudget.window }
        }
        return start
    }

    private mutating func remember(_ new: Send) {
        if ring.isEmpty { ring = Array(repeating: Send(at: .zero, airtime: .zero), count: capacity) }
        while count > 0, !counts(send(0), at: new.at) { dropOldest() }
        var entry = new
        if count > 0, send(count - 1).at > entry.at { entry.at = send(count - 1).at }  // keep the ring in time order
        if count == capacity {
            let oldest = send(0)
            dropOldest()
            ring[head].airtime = ring[head].airtime + oldest.airtime
            merges += 1
        }
        ring[(head + count) % capacity] = entry
        count += 1
    }

    private mutating func dropOldest() {
        head = (head + 1) % capacity
        count -= 1
    }
}
