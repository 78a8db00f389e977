import Mustache

/// The officers' pages, as mustache templates kept in Swift so the binary needs no resource
/// folder. `{{x}}` escapes HTML; `{{{x}}}` is used only for markup built by `ReviewPages` itself.
enum ReviewTemplates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        // A parse error here is a bug in this file; the template tests render every page.
        for (name, text) in [("layout", layout), ("signin", signIn), ("list", list), ("claim", claim),
                             ("calls", calls), ("error", error)] {
            try! library.register(text, named: name)
        }
        return library
    }()

    static let layout = """
    <!doctype html>
    <html lang="id">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} · Berkas</title>
    <style>
    :root { --ink: #111; --muted: #444; --line: #bbb; --bg: #fff; --accent: #0b4f8a; --bad: #a40000; --warn: #7a4b00; --ok: #0a5d1e; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 18px/1.5 system-ui, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
    header.top { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.2rem; background: #0b3558; color: #fff; }
    header.top a { color: #fff; font-weight: 600; }
    header.top form { margin-left: auto; }
    main { padding: 1rem 1.2rem 3rem; max-width: 1500px; }
    h1 { font-size: 1.6rem; margin: .4rem 0 1rem; } h2 { font-size: 1.3rem; margin: 1.4rem 0 .6rem; } h3 { font-size: 1.1rem; margin: .8rem 0 .4rem; }
    a { color: var(--accent); }
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
    th { background: #eef2f6; }
    button, input, select, textarea { font: inherit; }
    button { padding: .3rem .8rem; border: 2px solid var(--accent); background: var(--accent); color: #fff; border-radius: 4px; cursor: pointer; }
    button.secondary { background: #fff; color: var(--accent); }
    button.danger { background: var(--bad); border-color: var(--bad); }
    input[type=text], input[type=password], input[type=date], select, textarea { padding: .3rem .4rem; border: 1px solid #666; border-radius: 4px; max-width: 100%; }
    .tabs a { display: inline-block; padding: .3rem .8rem; margin-right: .3rem; border: 1px solid var(--line); border-radius: 4px 4px 0 0; text-decoration: none; }
    .tabs a.current { background: var(--accent); color: #fff; }
    .status { display: inline-block; padding: 0 .5rem; border-radius: 4px; font-weight: 600; border: 1px solid currentColor; }
    .status-review { color: var(--warn); } .status-incomplete, .status-call_missed { color: var(--bad); }
    .status-complete, .status-call_verified { color: var(--ok); } .status-dropbox { color: var(--accent); }
    .reasons { margin: 0; padding-left: 1.2rem; }
    .error { color: var(--bad); } .warning { color: var(--warn); }
    .notice { padding: .6rem .8rem; border-left: 5px solid var(--accent); background: #eef4fb; margin: .6rem 0; }
    .problem { padding: .6rem .8rem; border-left: 5px solid var(--bad); background: #fbeeee; margin: .6rem 0; }
    .filters { display: flex; gap: 1rem; flex-wrap: wrap; align-items: end; margin: .8rem 0; }
    .filters label { display: flex; flex-direction: column; font-size: 1rem; }
    .document { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.15fr); gap: 1.2rem; border-top: 3px solid var(--line); padding-top: .8rem; margin-top: 1rem; }
    .scan { position: relative; border: 1px solid var(--line); align-self: start; }
    .scan img { display: block; width: 100%; height: auto; }
    .scan svg { position: absolute; inset: 0; width: 100%; height: 100%; }
    .scan rect { fill: rgba(11, 79, 138, .08); stroke: #0b4f8a; stroke-width: 3; vector-effect: non-scaling-stroke; }
    .scan rect.flagged { fill: rgba(200, 0, 0, .15); stroke: #d00000; stroke-width: 4; }
    tr.flagged td { background: #fdeaea; }
    .fields td form { display: flex; gap: .3rem; }
    .fields input[type=text] { flex: 1; min-width: 6rem; width: 100%; }
    .fields td:nth-child(2) { overflow-wrap: anywhere; }
    .corrected { color: var(--ok); font-weight: 600; }
    .actions { display: flex; gap: 2rem; flex-wrap: wrap; margin: 1rem 0; padding: .8rem; background: #f4f6f8; border: 1px solid var(--line); }
    .actions form { display: flex; flex-direction: column; gap: .4rem; max-width: 34rem; }
    .compare td:first-child { font-weight: 600; width: 12rem; }
    .mismatch { color: var(--bad); font-weight: 600; }
    .signin { max-width: 26rem; margin: 3rem auto; display: flex; flex-direction: column; gap: .6rem; }
    .muted { color: var(--muted); }
    </style>
    </head>
    <body>
    <header class="top">
    <strong>Berkas · Petugas</strong>
    {{#officer}}
    <a href="/review">Daftar klaim</a>
    <a href="/review/calls">Panggilan hari ini</a>
    <span>{{username}}</span>
    <form method="post" action="/review/logout"><input type="hidden" name="csrf" value="{{csrf}}"><button class="secondary" type="submit">Keluar</button></form>
    {{/officer}}
    </header>
    <main>
    {{{body}}}
    </main>
    </body>
    </html>
    """

    static let signIn = """
    <form class="signin" method="post" action="/review/login">
    <h1>Masuk petugas</h1>
    {{#problem}}<p class="problem" role="alert">{{problem}}</p>{{/problem}}
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label for="username">Nama pengguna</label>
    <input type="text" id="username" name="username" autocomplete="username" value="{{username}}" required>
    <label for="password">Kata sandi</label>
    <input type="password" id="password" name="password" autocomplete="current-password" required>
    <button type="submit">Masuk</button>
    </form>
    """

    static let list = """
    <h1>Klaim untuk diperiksa</h1>
    <nav class="tabs">
    {{#tabs}}<a href="{{href}}" class="{{#current}}current{{/current}}">{{label}} ({{count}})</a>{{/tabs}}
    </nav>
    <form class="filters" method="get" action="/review">
    <input type="hidden" name="status" value="{{status}}">
    <label>Wilayah <select name="area"><option value="">Semua wilayah saya</option>{{#areas}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/areas}}</select></label>
    <label>Tanggal pengajuan <input type="date" name="date" value="{{date}}"></label>
    <button type="submit">Tampilkan</button>
    </form>
    {{^items}}<p class="notice">Tidak ada klaim dengan status ini.</p>{{/items}}
    {{#hasItems}}
    <table>
    <thead><tr><th>Klaim</th><th>Nama</th><th>Wilayah</th><th>Diajukan</th><th>Status</th><th>Alasan</th></tr></thead>
    <tbody>
    {{#items}}
    <tr>
    <td><a href="/review/claims/{{id}}">{{id}}</a></td>
    <td>{{nama}}</td><td>{{area}}</td><td>{{submittedAt}}</td>
    <td><span class="status status-{{status}}">{{statusLabel}}</span>{{#booking}}<br><span class="muted">{{booking}}</span>{{/booking}}</td>
    <td><ul class="reasons">{{#reasons}}<li class="{{severity}}">{{message}}</li>{{/reasons}}</ul></td>
    </tr>
    {{/items}}
    </tbody>
    </table>
    {{/hasItems}}
    """

    static let claim = """
    <p><a href="/review?status={{status}}">← Kembali ke daftar</a></p>
    <h1>Klaim {{id}} · {{nama}} <span class="status status-{{status}}">{{statusLabel}}</span></h1>
    {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
    {{#booking}}<p class="notice">Panggilan video: {{booking}}</p>{{/booking}}
    {{#decision}}<p class="muted">Keputusan petugas: {{decision}}</p>{{/decision}}
    <h2>Alasan</h2>
    {{^reasons}}<p>Tidak ada alasan tercatat.</p>{{/reasons}}
    <ul class="reasons">{{#reasons}}<li class="{{severity}}">{{message}} <span class="muted">({{code}}{{#where}}, {{where}}{{/where}})</span></li>{{/reasons}}</ul>

    <h2>Formulir klaim dibanding dokumen</h2>
    <table class="compare">
    <thead><tr><th>Data</th><th>Formulir</th><th>KTP</th><th>Kartu Keluarga</th><th>Surat keterangan kerja</th></tr></thead>
    <tbody>
    {{#comparison}}<tr><td>{{label}}</td><td>{{form}}</td>{{#documents}}<td class="{{#differs}}mismatch{{/differs}}">{{value}}</td>{{/documents}}</tr>{{/comparison}}
    </tbody>
    </table>

    {{#actionable}}
    <div class="actions">
    {{#canApprove}}
    <form method="post" action="/review/claims/{{id}}/approve">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <strong>Setujui klaim</strong>
    <span class="muted">Klaim dinyatakan lengkap dan dijadwalkan panggilan video.</span>
    <button type="submit" id="approve">Setujui dan jadwalkan</button>
    </form>
    {{/canApprove}}
    {{#canMarkIncomplete}}
    <form method="post" action="/review/claims/{{id}}/incomplete">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <strong>Tandai belum lengkap</strong>
    <label>Alasan <select name="reason" required><option value="">Pilih alasan…</option>{{#reasonChoices}}<option value="{{code}}">{{message}}</option>{{/reasonChoices}}</select></label>
    <label>Catatan untuk pemohon (boleh kosong)<br><textarea name="note" rows="2" cols="40" maxlength="500"></textarea></label>
    <button class="danger" type="submit">Tandai belum lengkap</button>
    </form>
    {{/canMarkIncomplete}}
    </div>
    {{/actionable}}

    {{#documents}}
    <section class="document" id="doc-{{slot}}">
    <div>
    <h2>{{title}}</h2>
    {{#hasScan}}
    <div class="scan">
    <img src="/review/claims/{{claimID}}/scans/{{slot}}.png" alt="Pindaian {{title}}">
    {{#viewBox}}<svg viewBox="{{viewBox}}" preserveAspectRatio="none" aria-hidden="true">{{#boxes}}<rect id="box-{{slot}}-{{name}}" class="{{#flagged}}flagged{{/flagged}}" x="{{x}}" y="{{y}}" width="{{w}}" height="{{h}}"><title>{{name}}</title></rect>{{/boxes}}</svg>{{/viewBox}}
    </div>
    <p class="muted">{{fileName}} · <a href="/review/claims/{{claimID}}/scans/{{slot}}">berkas asli</a>{{#pages}} · {{pages}} halaman (kotak pada halaman 1){{/pages}}</p>
    {{/hasScan}}
    {{^hasScan}}<p class="problem">Dokumen belum diunggah.</p>{{/hasScan}}
    </div>
    <div>
    <p>Jenis terbaca: <strong>{{kind}}</strong> ({{kindConfidence}}){{#accepted}} · <span class="corrected">{{accepted}}</span>{{/accepted}}</p>
    {{#hasIssues}}<ul class="reasons">{{#issues}}<li class="{{severity}}">{{message}}</li>{{/issues}}</ul>{{/hasIssues}}
    {{#canAccept}}
    <form method="post" action="/review/claims/{{claimID}}/documents/{{slot}}/accept">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <button class="secondary" type="submit">Terima dokumen ini</button>
    </form>
    {{/canAccept}}
    <table class="fields">
    <thead><tr><th>Isian</th><th>Terbaca</th><th>Keyakinan</th><th>Koreksi petugas</th></tr></thead>
    <tbody>
    {{#fields}}
    <tr class="{{#flagged}}flagged{{/flagged}}" id="field-{{slot}}-{{name}}">
    <td>{{name}}</td><td>{{value}}</td><td>{{confidence}}</td>
    <td>{{#corrected}}<div class="corrected">{{corrected}}</div>{{/corrected}}
    {{#editable}}<form method="post" action="/review/claims/{{claimID}}/documents/{{slot}}/fields/{{name}}">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="text" name="value" value="{{current}}" aria-label="Koreksi {{name}}" maxlength="200" required>
    <button type="submit">Simpan</button>
    </form>{{/editable}}</td>
    </tr>
    {{/fields}}
    </tbody>
    </table>
    </div>
    </section>
    {{/documents}}

    <h2>Riwayat</h2>
    <table>
    <thead><tr><th>Waktu</th><th>Oleh</th><th>Status</th><th>Keterangan</th></tr></thead>
    <tbody>
    {{#history}}<tr><td>{{at}}</td><td>{{actor}}</td><td>{{change}}</td><td>{{detail}}</td></tr>{{/history}}
    </tbody>
    </table>
    """

    static let calls = """
    <h1>Panggilan video · {{areaName}} · {{date}}</h1>
    {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
    <form class="filters" method="get" action="/review/calls">
    <label>Wilayah <select name="area">{{#areas}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/areas}}</select></label>
    <label>Tanggal <input type="date" name="date" value="{{date}}"></label>
    <button type="submit">Tampilkan</button>
    </form>
    <p>Kuota {{quota}} panggilan; terjadwal {{booked}}.</p>
    {{^calls}}<p class="notice">Tidak ada panggilan terjadwal.</p>{{/calls}}
    {{#hasCalls}}
    <table>
    <thead><tr><th>No.</th><th>Nama</th><th>Klaim</th><th>WhatsApp</th><th>Status</th><th>Hasil panggilan</th></tr></thead>
    <tbody>
    {{#calls}}
    <tr>
    <td>{{position}}</td><td>{{nama}}</td><td><a href="/review/claims/{{claim}}">{{claim}}</a></td>
    <td>{{#whatsappLink}}<a href="{{whatsappLink}}" target="_blank" rel="noopener noreferrer">{{whatsapp}}</a>{{/whatsappLink}}{{^whatsappLink}}<span class="error">{{whatsapp}} (nomor tidak sah)</span>{{/whatsappLink}}</td>
    <td><span class="status status-{{status}}">{{statusLabel}}</span></td>
    <td>
    {{#open}}
    <form method="post" action="/review/calls/{{claim}}/outcome" class="filters">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="area" value="{{area}}"><input type="hidden" name="date" value="{{date}}">
    <input type="text" name="note" placeholder="Catatan (boleh kosong)" maxlength="300">
    <button type="submit" name="outcome" value="call_verified">Terverifikasi (dokumen asli ditunjukkan)</button>
    <button class="secondary" type="submit" name="outcome" value="call_missed">Tidak dapat dihubungi</button>
    <button class="secondary" type="submit" name="outcome" value="dropbox">Dokumen ke dropbox kantor</button>
    </form>
    {{/open}}
    {{#missed}}
    <form method="post" action="/review/calls/{{claim}}/rebook">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="area" value="{{area}}"><input type="hidden" name="date" value="{{date}}">
    <button type="submit">Jadwalkan ulang</button>
    </form>
    {{/missed}}
    </td>
    </tr>
    {{/calls}}
    </tbody>
    </table>
    {{/hasCalls}}
    """

    static let error = """
    <h1>{{heading}}</h1>
    <p class="problem" role="alert">{{message}}</p>
    <p><a href="/review">Kembali ke daftar klaim</a></p>
    """
}
