-- The end-of-day run reads one business date's trades and cancellations (LoadDayTrades:
-- the freeze, the variation margin, the price proposal's trade tier, the member's open-date
-- positions). Without these indexes each of those reads scans every trade ever cleared,
-- so a run slowed with history (the soak benchmark, docs/PERFORMANCE.md, saw the scan in
-- EXPLAIN). The price is one more index entry per trade insert (a date: 4 bytes of key).
CREATE INDEX trades_by_business_date ON trades (business_date);
CREATE INDEX trade_cancellations_by_business_date ON trade_cancellations (business_date);
