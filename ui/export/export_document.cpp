#include "ui/export/export_document.h"

#include "ui/pages/report_page.h"
#include "ui/report_view.h"

namespace ql::ui {

ExportSection exportSection(const ReportPage& page) {
    ExportSection section{page.title(), page.summary(), page.explanationHtml(), page.exportPlots(), page.tables(), {}};
    for (QAbstractItemModel* model : page.paperTables())
        section.paperTables.append(ExportTable{model, page.paperTableCaption(model)});
    return section;
}

ExportDocument exportDocument(const ReportView& view) {
    ExportDocument document;
    if (view.report()) document.headline = verdictHeadline(*view.report());
    for (const ReportPage* page : view.pages()) document.sections.push_back(exportSection(*page));
    return document;
}

}  // namespace ql::ui
