// Opens a workbook with Apache POI as an application would (XSSFWorkbook, every part parsed
// through the OOXML schemas) and prints what it found. Started by tests/test_readers.py.
import java.io.File;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackageAccess;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFChart;
import org.apache.poi.xssf.usermodel.XSSFDrawing;
import org.apache.poi.xssf.usermodel.XSSFName;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

public class PoiRead {
    public static void main(String[] args) throws Exception {
        try (OPCPackage pkg = OPCPackage.open(new File(args[0]), PackageAccess.READ);
             XSSFWorkbook book = new XSSFWorkbook(pkg)) {
            DataFormatter formatter = new DataFormatter();
            for (XSSFName name : book.getAllNames()) {
                System.out.println("name\t" + name.getNameName() + "\t" + name.getRefersToFormula());
            }
            for (int i = 0; i < book.getNumberOfSheets(); i++) {
                XSSFSheet sheet = book.getSheetAt(i);
                int cells = 0;
                StringBuilder first = new StringBuilder();
                for (Row row : sheet) {
                    for (Cell cell : row) {
                        String shown = formatter.formatCellValue(cell);
                        cells++;
                        if (row.getRowNum() == sheet.getFirstRowNum()) first.append(shown).append('|');
                    }
                }
                int charts = 0;
                XSSFDrawing drawing = sheet.getDrawingPatriarch();
                if (drawing != null) {
                    for (XSSFChart chart : drawing.getCharts()) {
                        chart.getCTChart();
                        charts++;
                    }
                }
                String code = sheet.getCTWorksheet().isSetSheetPr() ? sheet.getCTWorksheet().getSheetPr().getCodeName() : null;
                System.out.println(String.join("\t", "sheet", sheet.getSheetName(),
                    "code=" + code,
                    "cells=" + cells,
                    "tables=" + sheet.getTables().size(),
                    "comments=" + sheet.getCellComments().size(),
                    "validations=" + sheet.getDataValidations().size(),
                    "formats=" + sheet.getSheetConditionalFormatting().getNumConditionalFormattings(),
                    "charts=" + charts,
                    "first=" + first));
            }
        }
    }
}
