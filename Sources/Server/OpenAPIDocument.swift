/// The OpenAPI 3 description served at `GET /api/v1/openapi.yaml`. Keep it beside the code it describes.
enum OpenAPIDocument {
    static let yaml = #"""
openapi: 3.0.3
info:
  title: Berkas intake API
  version: "1"
  description: |
    Pre-checks BPJAMSOSTEK JHT claims (KTP, Kartu Keluarga, employer letter) and books complete
    claims into the branch's daily WhatsApp video-call queue. Checking runs in the background:
    POST answers 202 at once; GET the claim (optionally with `?wait=`) for the verdict.
    Every error is `{"error": {"code", "message"}}`.
servers:
  - url: http://127.0.0.1:8080
security:
  - bearer: []
paths:
  /api/v1/claims:
    post:
      summary: Submit a claim with its scans
      parameters:
        - in: header
          name: Idempotency-Key
          required: false
          schema: {type: string, maxLength: 200}
          description: A retry with the same key and body gets the first answer; another body with the same key is 409.
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [claim]
              properties:
                claim:
                  $ref: '#/components/schemas/ClaimForm'
                ktp: {type: string, format: binary, description: "KTP scan (JPEG, PNG, PDF...), at most 10 MiB"}
                kk: {type: string, format: binary, description: "Kartu Keluarga scan"}
                employer_letter: {type: string, format: binary, description: "Surat keterangan kerja / paklaring"}
            encoding:
              claim: {contentType: application/json}
      responses:
        "202":
          description: Accepted (or the same claim again); checking runs in the background.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Receipt'}
        "400": {$ref: '#/components/responses/Error'}
        "401": {$ref: '#/components/responses/Error'}
        "409": {$ref: '#/components/responses/Error'}
        "413": {$ref: '#/components/responses/Error'}
        "415": {$ref: '#/components/responses/Error'}
        "422": {$ref: '#/components/responses/Error'}
  /api/v1/claims/{id}:
    get:
      summary: The verdict on a claim, or pending
      parameters:
        - {in: path, name: id, required: true, schema: {type: string}}
        - in: query
          name: wait
          required: false
          schema: {type: number, minimum: 0, maximum: 60}
          description: Seconds to wait for the verdict while the claim is pending (at most 60).
      responses:
        "200":
          description: The verdict once checked, else `{"id", "status": "pending"}`.
          content:
            application/json:
              schema:
                oneOf:
                  - {$ref: '#/components/schemas/Verdict'}
                  - {$ref: '#/components/schemas/Receipt'}
        "400": {$ref: '#/components/responses/Error'}
        "401": {$ref: '#/components/responses/Error'}
        "404": {$ref: '#/components/responses/Error'}
  /api/v1/claims/{id}/documents/{slot}:
    put:
      summary: Replace or add one scan; the claim is checked again
      description: |
        The body is the scan itself (any Content-Type), or multipart/form-data holding exactly one
        file part (any part name). The claim goes back to `pending`. A booked call is kept if the
        new verdict is still `complete`, and released otherwise.
      parameters:
        - {in: path, name: id, required: true, schema: {type: string}}
        - {in: path, name: slot, required: true, schema: {type: string, enum: [ktp, kk, employer_letter]}}
      requestBody:
        required: true
        content:
          application/octet-stream:
            schema: {type: string, format: binary}
          multipart/form-data:
            schema: {type: object, properties: {file: {type: string, format: binary}}}
      responses:
        "202":
          description: Stored; checking again.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Receipt'}
        "400": {$ref: '#/components/responses/Error'}
        "401": {$ref: '#/components/responses/Error'}
        "404": {$ref: '#/components/responses/Error'}
        "413": {$ref: '#/components/responses/Error'}
  /api/v1/queue:
    get:
      summary: The video calls booked in one area on one day
      parameters:
        - {in: query, name: area, required: true, schema: {type: string, example: batang}}
        - {in: query, name: date, required: false, schema: {type: string, format: date}, description: "default: today (WIB)"}
      responses:
        "200":
          description: The day's calls in order.
          content:
            application/json:
              schema:
                type: object
                required: [area, date, quota, booked, calls]
                properties:
                  area: {type: string}
                  date: {type: string, format: date}
                  quota: {type: integer}
                  booked: {type: integer}
                  calls:
                    type: array
                    items:
                      type: object
                      required: [position, claim]
                      properties:
                        position: {type: integer, minimum: 1}
                        claim: {type: string}
                        nama: {type: string}
                        whatsapp: {type: string}
        "400": {$ref: '#/components/responses/Error'}
        "401": {$ref: '#/components/responses/Error'}
  /healthz:
    get:
      summary: Liveness (the database answers)
      security: []
      responses:
        "200":
          description: '{"status": "ok"}'
  /metrics:
    get:
      summary: Prometheus metrics (requests, latencies, checks by status, jobs by state)
      security: []
      responses:
        "200":
          description: Prometheus text exposition format
          content:
            text/plain: {schema: {type: string}}
  /api/v1/openapi.yaml:
    get:
      summary: This document
      security: []
      responses:
        "200":
          description: OpenAPI 3 YAML
components:
  securitySchemes:
    bearer:
      type: http
      scheme: bearer
      description: An intake-service token from `berkas token create NAME`.
  responses:
    Error:
      description: Bad input, auth failure, conflict; nothing was changed.
      content:
        application/json:
          schema:
            type: object
            required: [error]
            properties:
              error:
                type: object
                required: [code, message]
                properties:
                  code:
                    type: string
                    enum: [unauthorized, not_found, missing_claim, invalid_json, invalid_claim, invalid_area,
                           invalid_slot, invalid_multipart, duplicate_part, empty_document, invalid_wait,
                           invalid_date, invalid_idempotency_key, too_large, unsupported_media_type,
                           claim_conflict, idempotency_conflict, internal]
                  message: {type: string}
  schemas:
    ClaimForm:
      type: object
      required: [id, area]
      properties:
        id: {type: string, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'}
        nama: {type: string}
        nik: {type: string, description: 16 digits}
        kpj: {type: string}
        whatsapp: {type: string}
        area: {type: string, enum: [pekalongan, batang, pemalang]}
        reason: {type: string, enum: [resign, contract_end, termination, retirement]}
        submitted_at: {type: string, format: date}
        preferred_date: {type: string, format: date}
    Receipt:
      type: object
      required: [id, status]
      properties:
        id: {type: string}
        status: {type: string, enum: [pending, complete, incomplete, review]}
    Issue:
      type: object
      required: [code, severity, message]
      properties:
        code: {type: string, example: document.missing}
        severity: {type: string, enum: [error, warning]}
        document: {type: string, nullable: true}
        field: {type: string, nullable: true}
        message: {type: string, description: In Bahasa Indonesia}
    Verdict:
      type: object
      required: [claim, status, reasons, documents, queue]
      properties:
        claim: {type: string}
        status: {type: string, enum: [complete, incomplete, review]}
        reasons: {type: array, items: {$ref: '#/components/schemas/Issue'}}
        documents:
          type: object
          additionalProperties:
            type: object
            description: The `verify` object of SPEC section 2 (file, kind, kind_confidence, fields, quality, issues, timing_ms).
        queue:
          type: object
          nullable: true
          required: [area, date, position]
          properties:
            area: {type: string}
            date: {type: string, format: date}
            position: {type: integer, minimum: 1}
"""#
}
