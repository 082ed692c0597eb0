package dev.outstore.faults;

import dev.outstore.OutboxGenerator;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.transaction.UserTransaction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends one round of the workload through the real generator: {@code POST
 * /drive?prefix=P&seq=S&from=A&to=B&perTx=N} sends entry S of keys PA (inclusive) to PB
 * (exclusive), N entries per business transaction. {@code GET /drive} answers once the application
 * is up.
 */
@WebServlet("/drive")
public class FaultDriverServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final String FILLER = "x".repeat(200);

  @Inject transient OutboxGenerator outbox;
  @Inject transient UserTransaction transaction;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.getWriter().print("up");
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    int seq = Integer.parseInt(request.getParameter("seq"));
    int from = Integer.parseInt(request.getParameter("from"));
    int to = Integer.parseInt(request.getParameter("to"));
    int perTx = Integer.parseInt(request.getParameter("perTx"));
    String prefix = request.getParameter("prefix");
    try {
      for (int start = from; start < to; start += perTx) {
        List<FaultPing> batch = new ArrayList<>();
        for (int k = start; k < Math.min(to, start + perTx); k++) {
          batch.add(new FaultPing(prefix + k, seq, FILLER));
        }
        transaction.begin();
        try {
          outbox.send(batch);
          transaction.commit();
        } catch (Exception | Error e) {
          if (transaction.getStatus() != jakarta.transaction.Status.STATUS_NO_TRANSACTION) {
            transaction.rollback();
          }
          throw e;
        }
      }
    } catch (Exception e) {
      response.sendError(500, e.toString());
      return;
    }
    response.getWriter().print(to - from);
  }
}
