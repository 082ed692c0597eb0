package dev.outstore.it;

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
 * Lets client-side tests send through the real generator: {@code POST
 * /send?keys=K&perKey=N&note=...} sends N entries for each of K keys, one transaction per round of
 * keys.
 */
@WebServlet("/send")
public class SendServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Inject transient OutboxGenerator outbox;
  @Inject transient UserTransaction transaction;

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    int keys = Integer.parseInt(request.getParameter("keys"));
    int perKey = Integer.parseInt(request.getParameter("perKey"));
    String note = request.getParameter("note");
    try {
      for (int seq = 1; seq <= perKey; seq++) {
        List<Ping> round = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
          round.add(new Ping("key-" + k, seq, note));
        }
        Tx.run(transaction, () -> outbox.send(round));
      }
    } catch (Exception e) {
      throw new IOException(e);
    }
    response.getWriter().print(keys * perKey);
  }
}
