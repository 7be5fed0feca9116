package dev.lanechat.server.tasks;

import java.util.LinkedHashMap;
import java.util.Map;

/** The data of the events that end a task: {@code task.completed} and {@code task.failed}. */
final class TaskEvents {
    private TaskEvents() {}

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
