package dev.lanechat.server.tasks;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The data of the events that end a task: {@code task.completed} and {@code task.failed}. */
final class TaskEvents {
    private TaskEvents() {}

    /**
     * Writes the data of a {@code task.completed}: what {@link #eventData} with its {@code result}
     * gives through the mapper, key for key (TaskEventsTest compares them), written field by field
     * for the one event of every task (issue 15: the map and the mapper's lookups on the writer).
     */
    static void writeCompleted(JsonGenerator g, Claim task, TaskResult result) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "task.completed");
        g.writeStringField("task_id", task.taskId());
        g.writeStringField("conversation_id", task.conversationId());
        g.writeStringField("message_id", task.messageId());
        g.writeStringField("lane", task.lane());
        g.writeFieldName("result");
        g.writeStartObject();
        g.writeStringField("content", result.content());
        g.writeStringField("model", result.model());
        g.writeNumberField("cost_usd", result.costUsd());
        g.writeFieldName("files");
        if (result.files().isEmpty()) {
            g.writeStartArray();
            g.writeEndArray();
        } else {
            g.writeObject(result.files()); // by the mapper, as before: files are rare here
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    static Map<String, Object> eventData(String type, Claim task) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("type", type);
        data.put("task_id", task.taskId());
        data.put("conversation_id", task.conversationId());
        data.put("message_id", task.messageId());
        data.put("lane", task.lane());
        return data;
    }

    static Map<String, Object> failedData(Claim task, String error) {
        Map<String, Object> data = eventData("task.failed", task);
        data.put("result", null);
        data.put("error", error);
        return data;
    }

    /** A cancel's {@code task.failed}, with the text the answer keeps. */
    static Map<String, Object> cancelledData(Claim task, String kept) {
        Map<String, Object> data = failedData(task, TaskStatus.CANCELLED);
        data.put("cancelled", true);
        data.put("content", kept);
        return data;
    }
}
