"""Invoice PDFs (ReportLab). ``render.invoice_pdf_bytes`` turns an ``InvoiceDocument`` into PDF bytes."""
