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

Public Sub SalesTrackMeetingPack(control As IRibbonControl)
    RunPython "import pyxl.ribbon; pyxl.ribbon.meeting_pack()"
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

' The add-in's Python for the cell functions in xlwings_udfs, which xlwings' generator writes
' as XLPy.CallUDF(...). Reached through Application.Run instead of a VBA reference to the
' add-in, so a formula works on first open and, without the add-in, the cell says what to do.
Private Const ADDIN_MISSING As Long = -2147220991  ' vbObjectError + 513, the first error number for applications

Public Function XLPy() As Object
    On Error GoTo NoAddin
    Set XLPy = Application.Run("xlwings.xlam!XLPy")
    Exit Function
NoAddin:
    Err.Raise ADDIN_MISSING, "SalesTrack", "SalesTrack cell functions need the xlwings " & _
        "add-in: pip install salestrack, then xlwings addin install, then reopen this workbook"
End Function

' Checked by the test suite through LibreOffice: the workbook carries what SalesTrack needs,
' and without the add-in the cell functions' XLPy says what to install.
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
    SalesTrackSelfTest = AddinMessage()
End Function

Private Function AddinMessage() As String
    Dim python As Object
    On Error GoTo Told
    Set python = XLPy()
    AddinMessage = "XLPy answered without the add-in"
    Exit Function
Told:
    If InStr(Err.Description, "xlwings addin install") > 0 Then
        AddinMessage = "ok"
    Else
        AddinMessage = "XLPy without the add-in said: " & Err.Description
    End If
End Function
