import GRDB

/// The schema. Migrations are frozen once shipped: change the schema by appending a new one.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // Intake services. Only the SHA-256 of a token is kept.
            try db.create(table: "tokens") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().check { length($0) > 0 }
                t.column("token_sha256", .text).notNull().unique()
                t.column("created_at", .datetime).notNull()
                t.column("revoked_at", .datetime)
            }
            // Officers of the web pages (used from the next issue on).
            try db.create(table: "officers") { t in
                t.primaryKey("username", .text).check { length($0) > 0 }
                t.column("password_hash", .text).notNull()
                // JSON array of area ids the officer handles.
                t.column("areas", .text).notNull().defaults(to: "[]")
                t.column("created_at", .datetime).notNull()
                t.column("disabled_at", .datetime)
            }
            // One row per claim: the form as posted and the latest verdict.
            // `status` has no CHECK so officers' statuses can be added without rebuilding the table;
            // the Swift enum is the guard.
            try db.create(table: "claims") { t in
                t.primaryKey("id", .text).check { length($0) > 0 }
                t.column("form", .text).notNull()
                // SHA-256 over the canonical form and the scans' hashes: "the same claim again".
                t.column("fingerprint", .text).notNull()
                t.column("nik", .text)
                t.column("area", .text).notNull()
                t.column("status", .text).notNull()
                // Verdict JSON without `queue` (the bookings table is the ledger).
                t.column("verdict", .text)
                t.column("revision", .integer).notNull().defaults(to: 1).check { $0 >= 1 }
                t.column("checked_revision", .integer)
                t.column("client", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("updated_at", .datetime).notNull()
            }
            try db.create(index: "claims_nik", on: "claims", columns: ["nik"])
            try db.create(index: "claims_status", on: "claims", columns: ["status", "created_at"])

            // The current scan of each slot. Files live under scans/ by content hash.
            try db.create(table: "documents") { t in
                t.column("claim_id", .text).notNull().references("claims", onDelete: .cascade)
                t.column("slot", .text).notNull()
                    .check(sql: "slot IN ('ktp', 'kk', 'employer_letter')")
                t.column("content_sha256", .text).notNull().check { length($0) == 64 }
                t.column("size", .integer).notNull().check { $0 >= 0 }
                t.column("media_type", .text).notNull()
                t.column("stored_path", .text).notNull()
                // The client's file name, for display only.
                t.column("file_name", .text)
                t.column("uploaded_at", .datetime).notNull()
                t.primaryKey(["claim_id", "slot"])
            }

            // One durable check job per claim, re-queued when the claim changes.
            try db.create(table: "jobs") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("claim_id", .text).notNull().unique().references("claims", onDelete: .cascade)
                t.column("state", .text).notNull()
                    .check(sql: "state IN ('queued', 'running', 'done', 'failed')")
                t.column("revision", .integer).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0).check { $0 >= 0 }
                t.column("available_at", .datetime).notNull()
                t.column("lease_until", .datetime)
                t.column("worker", .text)
                t.column("last_error", .text)
                t.column("created_at", .datetime).notNull()
                t.column("updated_at", .datetime).notNull()
                t.check(sql: "state <> 'running' OR (worker IS NOT NULL AND lease_until IS NOT NULL)")
            }
            try db.create(index: "jobs_runnable", on: "jobs", columns: ["state", "available_at"])

            // The video-call ledger: one call per claim, one claim per (area, day, position).
            try db.create(table: "bookings") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("claim_id", .text).notNull().unique().references("claims", onDelete: .cascade)
                t.column("area", .text).notNull()
                t.column("date", .text).notNull().check { length($0) == 10 }
                t.column("position", .integer).notNull().check { $0 >= 1 }
                t.column("created_at", .datetime).notNull()
                t.uniqueKey(["area", "date", "position"])
            }

            // Idempotent retries: the first answer per (token, key).
            try db.create(table: "idempotency") { t in
                t.column("token_id", .integer).notNull().references("tokens", onDelete: .cascade)
                t.column("key", .text).notNull().check { length($0) > 0 }
                t.column("fingerprint", .text).notNull()
                t.column("claim_id", .text).notNull().references("claims", onDelete: .cascade)
                t.column("response", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.primaryKey(["token_id", "key"])
            }

            // Every change of a claim's state, who made it and why.
            try db.create(table: "audit") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("claim_id", .text).notNull().references("claims", onDelete: .cascade)
                t.column("actor", .text).notNull()
                t.column("at", .datetime).notNull()
                t.column("from_status", .text)
                t.column("to_status", .text).notNull()
                t.column("detail", .text).notNull().defaults(to: "")
            }
        }
        // The officers' pages: sessions, sign-in throttling, and what officers decided.
        migrator.registerMigration("v2-officers", migrate: OfficerSchema.v2)
        // v3-recheck
        migrator.registerMigration("v3-recheck", migrate: RecheckSchema.v3)
        return migrator
    }
}
