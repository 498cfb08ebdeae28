Attribute VB_Name = "SalesTrack"
' SalesTrack ribbon callbacks. Each runs one Python function through the xlwings add-in's
' RunPython, which passes this workbook to xlwings.Book.caller().
Option Explicit

Public Sub SalesTrackRefresh(control As IRibbonControl)
    RunPython "import pyxl.ribbon; pyxl.ribbon.refresh()"
End Sub

Public Sub SalesTrackValidate(control As IRibbonControl)
    RunPython "import pyxl.ribbon; pyxl.ribbon.validate()"
End Sub

Public Sub SalesTrackPreviewEmails(control As IRibbonControl)
    RunPython "import pyxl.ribbon; pyxl.ribbon.preview_emails()"
End Sub

Public Sub SalesTrackSendEmails(control As IRibbonControl)
    RunPython "import pyxl.ribbon; pyxl.ribbon.send_emails()"
End Sub

Public Sub SalesTrackHelp(control As IRibbonControl)
    RunPython "import pyxl.ribbon; pyxl.ribbon.show_help()"
End Sub

' Calls the add-in's RunPython without a VBA reference, so the workbook opens cleanly
' even where the add-in is missing, and says what to install instead of failing.
Private Sub RunPython(ByVal command As String)
    On Error GoTo NoAddin
    Application.Run "xlwings.xlam!RunPython", command
    Exit Sub
NoAddin:
    MsgBox "SalesTrack needs the xlwings add-in. In a terminal run:" & vbCrLf & _
           "pip install salestrack" & vbCrLf & "xlwings addin install" & vbCrLf & _
           "then reopen this workbook. (" & Err.Description & ")", vbExclamation, "SalesTrack"
End Sub

' Checked by the test suite through LibreOffice: the workbook carries what SalesTrack needs.
Public Function SalesTrackSelfTest() As String
    Dim required As Variant, name As Variant, sheet As Object, found As Boolean
    required = Array("Targets", "Actuals", "Team", "Settings", "xlwings.conf")
    For Each name In required
        found = False
        For Each sheet In ThisWorkbook.Worksheets
            If sheet.Name = name Then found = True
        Next sheet
        If Not found Then
            SalesTrackSelfTest = "missing sheet " & name
            Exit Function
        End If
    Next name
    If ThisWorkbook.Worksheets("xlwings.conf").Range("B1").Value <> "pyxl.udfs" Then
        SalesTrackSelfTest = "xlwings.conf does not point at pyxl.udfs"
        Exit Function
    End If
    SalesTrackSelfTest = "ok"
End Function
