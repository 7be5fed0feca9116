package dev.lanechat.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.Rejection;
import dev.lanechat.server.transfer.ExportFile;
import dev.lanechat.server.transfer.ExportService;
import dev.lanechat.server.transfer.ImportService;
import dev.lanechat.server.transfer.MarkdownExport;
import io.javalin.http.Context;

/** HTTP in and out for export and import (protocol.md E9). */
final class TransferHandlers {
    private final ExportService exports;
    private final ImportService imports;
    private final ObjectMapper json;

    TransferHandlers(ExportService exports, ImportService imports, ObjectMapper json) {
        this.exports = exports;
        this.imports = imports;
        this.json = json;
    }

    /** {@code GET /api/conversations/{id}/export?format=json|markdown}. */
    void exportOne(Context ctx) {
        send(ctx, exports.export(CurrentUser.id(ctx), ctx.pathParam("id")), "lanechat-conversation");
    }

    /** {@code GET /api/export?format=json|markdown}: every conversation of the user. */
    void exportAll(Context ctx) {
        send(ctx, exports.export(CurrentUser.id(ctx), null), "lanechat-export");
    }

    /** {@code POST /api/import}: a Lanechat export or ChatGPT's conversations.json as the body. */
    void importFile(Context ctx) {
        ctx.status(201)
                .json(imports.importFile(
                        CurrentUser.id(ctx), JsonBody.readTree(ctx, json, ImportService.MAX_BYTES, false)));
    }

    private static void send(Context ctx, ExportFile export, String name) {
        String format = ctx.queryParam("format");
        if (format == null || format.equals("json")) {
            ctx.header("Content-Disposition", "attachment; filename=\"" + name + ".json\"");
            ctx.json(export);
        } else if (format.equals("markdown")) {
            ctx.header("Content-Disposition", "attachment; filename=\"" + name + ".md\"");
            ctx.contentType("text/markdown; charset=utf-8").result(MarkdownExport.render(export));
        } else {
            throw Rejection.invalid("\"format\" must be json or markdown.");
        }
    }
}
